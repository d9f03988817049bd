// A small reverse proxy on 127.0.0.1 that puts a vendor's auth gate (the same one as the fake
// vendor's) in front of any local HTTP MCP server, e.g. @modelcontextprotocol/server-everything.
// Requests are streamed both ways unbuffered, so SSE passes through as it is written.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVendorGate, recordOf, refuse, type FakeVendorKind, type RecordedRequest, type VendorGate } from './fake-vendor';

export interface AuthGateProxy extends Pick<VendorGate, 'addKey' | 'revokeKey' | 'rotate' | 'suspend' | 'forbid'> {
  /** The gated MCP endpoint, e.g. http://127.0.0.1:PORT/mcp. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startAuthGateProxy(options: { vendor: FakeVendorKind; keys: string[]; targetPort: number; path?: string }): Promise<AuthGateProxy> {
  const gate = createVendorGate(options);
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const record = recordOf(req);
    requests.push(record);
    const refusal = gate.check(record);
    if (refusal) {
      record.status = refusal.status;
      refuse(res, refusal);
      req.resume();
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: options.targetPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        record.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' }).end('{"error":"bad gateway"}');
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    // POST bodies are small JSON-RPC: read them whole to record their methods, then forward.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        const parsed: unknown = body.length ? JSON.parse(body.toString('utf8')) : undefined;
        for (const m of Array.isArray(parsed) ? parsed : parsed ? [parsed] : []) {
          const { method, id } = m as { method?: unknown; id?: unknown };
          record.rpcMethods.push(typeof method === 'string' ? method : '');
          if (typeof id === 'string' || typeof id === 'number') record.rpcIds.push(id);
        }
      } catch {
        // not JSON: forwarded as is
      }
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.path ?? '/mcp'}`,
    requests,
    addKey: gate.addKey,
    revokeKey: gate.revokeKey,
    rotate: gate.rotate,
    suspend: gate.suspend,
    forbid: gate.forbid,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
