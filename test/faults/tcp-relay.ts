// A TCP relay on 127.0.0.1 in front of an upstream port, so a test can make the upstream
// "die" (stop listening, drop every connection), "come back" (possibly a fresh server on
// another port behind the same address) or reset connections mid-stream.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  /** Base URL with the same path as the target, e.g. http://127.0.0.1:PORT/mcp */
  url(path?: string): string;
  /** Where new connections go. */
  target: number;
  /** Connections currently open (client side). */
  readonly open: number;
  /** Destroys every open connection (both sides): a reset in the middle of whatever was flowing. */
  resetAll(): void;
  /** Stops listening and drops every connection: connection refused from now on. */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  revive(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  const pairs = new Set<[Socket, Socket]>();
  let target = targetPort;
  const onConnection = (client: Socket) => {
    const upstream = connect(target, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  };
  let server: Server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const resetAll = () => {
    for (const [client, upstream] of pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  let listening = true;
  const stop = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    resetAll();
    await closed;
  };
  return {
    port,
    url: (path = '/mcp') => `http://127.0.0.1:${port}${path}`,
    get target() {
      return target;
    },
    set target(value: number) {
      target = value;
    },
    get open() {
      return pairs.size;
    },
    resetAll,
    kill: stop,
    async revive() {
      if (listening) return;
      server = createServer(onConnection);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      listening = true;
    },
    close: stop,
  };
}
