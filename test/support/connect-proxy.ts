// A local HTTP proxy (CONNECT tunnels and plain-HTTP forwarding) on 127.0.0.1 that records
// what it was asked to reach. It refuses (407) any target that is not loopback, so a test
// can never send traffic off the machine through it.
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

export interface ConnectProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** `host:port` of every CONNECT request, in order. */
  readonly tunnels: string[];
  /** Absolute URLs of plain-HTTP requests forwarded, in order. */
  readonly forwarded: string[];
  /** Targets refused because they were not loopback. */
  readonly refused: string[];
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The host part of a CONNECT authority (`host:port`) or an absolute URL. */
function targetHost(target: string): string {
  if (/^[a-z]+:\/\//i.test(target)) {
    try {
      return new URL(target).hostname;
    } catch {
      return '';
    }
  }
  const cut = target.lastIndexOf(':');
  return cut === -1 ? target : target.slice(0, cut);
}

export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const refused: string[] = [];
  const server = createProxy(createServer());
  server.authenticate = (req) => {
    const target = req.url ?? '';
    if (LOOPBACK.has(targetHost(target))) return true;
    refused.push(target);
    return false;
  };
  server.prependListener('connect', (req) => tunnels.push(req.url ?? ''));
  server.prependListener('request', (req) => forwarded.push(req.url ?? ''));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tunnels,
    forwarded,
    refused,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
