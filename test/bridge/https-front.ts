// An HTTPS front for the network tests: terminates TLS on 127.0.0.1 and pipes the bytes to a
// local HTTP port. Unlike test/support/tls.ts's front it tracks raw connections from accept,
// so close() also ends connections whose TLS handshake never completed (a proxy tunnel left
// open by a bridge that exited), which would otherwise hold server.close() for 120 s.
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface HttpsFront {
  readonly url: string;
  readonly port: number;
  readonly handshakes: number;
  close(): Promise<void>;
}

export async function startHttpsFront(targetPort: number, certs: { cert: string; key: string }): Promise<HttpsFront> {
  let handshakes = 0;
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  };
  const server = createTlsServer({ cert: certs.cert, key: certs.key }, (tlsSocket: TLSSocket) => {
    handshakes++;
    track(tlsSocket);
    const upstream = connect(targetPort, '127.0.0.1');
    track(upstream);
    tlsSocket.pipe(upstream).pipe(tlsSocket);
    const drop = () => {
      tlsSocket.destroy();
      upstream.destroy();
    };
    for (const s of [tlsSocket, upstream]) {
      s.on('error', drop);
      s.on('close', drop);
    }
  });
  server.on('connection', track);
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/mcp`,
    port,
    get handshakes() {
      return handshakes;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
    },
  };
}
