// TLS for tests: a throwaway CA and a server certificate it signed for 127.0.0.1/localhost,
// and an HTTPS front that terminates TLS and pipes the plain bytes to a local HTTP port
// (e.g. the fake vendor), so SSE streaming, headers and resets behave as they do over HTTP.
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { connect, type Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface TestCertificates {
  /** PEM of the CA that signed the server certificate (what `extraCaCerts` points at). */
  caCert: string;
  /** The CA PEM written to a file in `dir`. */
  caFile: string;
  /** Server certificate (PEM) for 127.0.0.1, ::1 and localhost. */
  cert: string;
  key: string;
  dir: string;
  /** Removes `dir`. */
  dispose(): Promise<void>;
}

/** A fresh CA and a server certificate signed by it, valid for a day; `hostnames` are added to
 * the certificate (e.g. the vendors' real hosts, for a harness that routes them here). */
export async function createTestCertificates(hostnames: readonly string[] = []): Promise<TestCertificates> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 24 * 3600_000);
  const ca = await generate([{ name: 'commonName', value: 'KeyBridge Test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          ...hostnames.map((value) => ({ type: 2 as const, value })),
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'kb-tls-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, ca.cert, { mode: 0o600 });
  return {
    caCert: ca.cert,
    caFile,
    cert: server.cert,
    key: server.private,
    dir,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface HttpsFront {
  /** e.g. https://127.0.0.1:PORT/mcp (same path as the target's). */
  readonly url: string;
  readonly port: number;
  /** TLS handshakes completed so far. */
  readonly handshakes: number;
  close(): Promise<void>;
}

/** Terminates TLS on 127.0.0.1 and pipes each connection to `127.0.0.1:targetPort`. */
export async function startHttpsFront(targetPort: number, certs: Pick<TestCertificates, 'cert' | 'key'>, path = '/mcp'): Promise<HttpsFront> {
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
    tlsSocket.on('error', drop);
    upstream.on('error', drop);
    tlsSocket.on('close', drop);
    upstream.on('close', drop);
  });
  // Tracked from accept, so close() also ends connections whose handshake never completed
  // (a tunnel left open by a bridge that exited), which would hold server.close() for 120 s.
  server.on('connection', track);
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}${path}`,
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
