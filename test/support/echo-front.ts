// A careless server in front of the fake vendor, on 127.0.0.1: it passes requests through
// (streamed both ways), except the ones a test queued with echoNext, which it answers itself
// with an error body that repeats the key it received (the X-API-Key value, or the token of
// `Authorization: Bearer`), bare — no header name or "Bearer" next to it that a pattern could
// catch. What a server that says "invalid key <key>" in its 401, or dumps the request into
// its 500, does to a custom key.
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoAnswer {
  status: number;
  /** The body, built from the key as received. */
  body: (received: string) => string;
  /** Default text/plain (as UptimeMonitoring sends its JSON 401s). */
  contentType?: string;
}

export interface EchoFront {
  /** The MCP endpoint through the front, e.g. http://127.0.0.1:PORT/mcp. */
  readonly url: string;
  /** The next POST is answered with `answer` instead of reaching the vendor. */
  echoNext(answer: EchoAnswer): void;
  /** How many queued answers were sent. */
  readonly echoed: number;
  close(): Promise<void>;
}

const receivedKey = (headers: IncomingHttpHeaders): string => {
  const apiKey = headers['x-api-key'];
  if (apiKey !== undefined) return Array.isArray(apiKey) ? apiKey.join(', ') : apiKey;
  return (headers.authorization ?? '').replace(/^Bearer\s+/i, '');
};

export async function startEchoFront(target: { port: number }): Promise<EchoFront> {
  const queue: EchoAnswer[] = [];
  let echoed = 0;
  const server = createServer((req, res) => {
    const answer = req.method === 'POST' ? queue.shift() : undefined;
    if (answer) {
      req.resume();
      echoed++;
      res.writeHead(answer.status, { 'Content-Type': answer.contentType ?? 'text/plain' }).end(answer.body(receivedKey(req.headers)));
      return;
    }
    const upstream = httpRequest({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      res.flushHeaders();
      reply.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' }).end('{"error":"bad gateway"}');
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    echoNext: (answer) => void queue.push(answer),
    get echoed() {
      return echoed;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
