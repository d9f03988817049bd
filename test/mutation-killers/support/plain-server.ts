// A small Streamable-HTTP MCP server written by hand on 127.0.0.1, for what the SDK's server never
// does on its own: forget a session (404) on the test's word, answer with responses to ids nobody
// asked for, echo a text back in a result. It records, per session, what the client set up
// (initialized heard, subscriptions, log level, GET streams opened), so a test can wait for that
// state instead of for time.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlainSession {
  id: string;
  /** The initialize request's own id (an internal one when the agent re-initialized). */
  initializeId: unknown;
  initialized: boolean;
  /** GET streams opened on this session (still open or not). */
  gets: number;
  subscriptions: string[];
  logLevel: string | null;
  /** Methods of every message received, in order ('response' for client responses). */
  methods: string[];
  /** Authorization headers seen on this session. */
  authorizations: string[];
}

type Message = { jsonrpc: '2.0'; id?: unknown; method?: string; params?: Record<string, unknown>; result?: unknown };

export interface PlainServer {
  url: string;
  sessions: PlainSession[];
  /** Forgets every session: each later request on them is answered 404. */
  forgetAll(): void;
  /** Messages to put in the JSON answer before the response to the next request of `method`. */
  before(method: string, messages: unknown[]): void;
  /** Messages to put in the JSON answer after it. */
  after(method: string, messages: unknown[]): void;
  close(): Promise<void>;
}

export async function startPlainServer(): Promise<PlainServer> {
  const sessions: PlainSession[] = [];
  const live = new Map<string, PlainSession>();
  const extraBefore = new Map<string, unknown[]>();
  const extraAfter = new Map<string, unknown[]>();
  const streams = new Set<ServerResponse>();
  let seq = 0;

  const result = (message: Message, session: PlainSession): unknown => {
    switch (message.method) {
      case 'tools/list':
        return { tools: [{ name: 'echo', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }] };
      case 'tools/call': {
        const text = String((message.params?.arguments as { text?: unknown } | undefined)?.text ?? '');
        return { content: [{ type: 'text', text }] };
      }
      case 'resources/subscribe':
        session.subscriptions.push(String(message.params?.uri));
        return {};
      case 'resources/unsubscribe':
        session.subscriptions = session.subscriptions.filter((uri) => uri !== message.params?.uri);
        return {};
      case 'logging/setLevel':
        session.logLevel = String(message.params?.level);
        return {};
      default:
        return {};
    }
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse) => json(res, 404, { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const sessionId = req.headers['mcp-session-id'];
    const session = typeof sessionId === 'string' ? live.get(sessionId) : undefined;
    if (req.method === 'GET') {
      if (!session) return notFound(res);
      session.gets++;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'DELETE') {
      if (session) live.delete(session.id);
      res.writeHead(200).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const parsed = JSON.parse(body) as Message | Message[];
      const messages = Array.isArray(parsed) ? parsed : [parsed];
      const first = messages[0]!;
      if (first.method === 'initialize') {
        const fresh: PlainSession = {
          id: `plain-${++seq}`,
          initializeId: first.id,
          initialized: false,
          gets: 0,
          subscriptions: [],
          logLevel: null,
          methods: ['initialize'],
          authorizations: [String(req.headers.authorization)],
        };
        sessions.push(fresh);
        live.set(fresh.id, fresh);
        const version = (first.params as { protocolVersion?: string } | undefined)?.protocolVersion ?? '2025-06-18';
        return json(
          res,
          200,
          { jsonrpc: '2.0', id: first.id, result: { protocolVersion: version, capabilities: { tools: {}, resources: { subscribe: true }, logging: {} }, serverInfo: { name: 'plain', version: '1' } } },
          { 'mcp-session-id': fresh.id },
        );
      }
      if (!session) return notFound(res);
      session.authorizations.push(String(req.headers.authorization));
      const answers: unknown[] = [];
      for (const message of messages) {
        session.methods.push(message.method ?? 'response');
        if (message.method === 'notifications/initialized') session.initialized = true;
        if (message.method === undefined || message.id === undefined) continue;
        answers.push(...(extraBefore.get(message.method) ?? []));
        extraBefore.delete(message.method);
        answers.push({ jsonrpc: '2.0', id: message.id, result: result(message, session) });
        answers.push(...(extraAfter.get(message.method) ?? []));
        extraAfter.delete(message.method);
      }
      if (answers.length === 0) return void res.writeHead(202).end();
      json(res, 200, answers.length === 1 ? answers[0] : answers, { 'mcp-session-id': session.id });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sessions,
    forgetAll: () => live.clear(),
    before: (method, messages) => void extraBefore.set(method, messages),
    after: (method, messages) => void extraAfter.set(method, messages),
    close: async () => {
      for (const stream of streams) stream.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
