// A fake vendor /mcp endpoint on 127.0.0.1: a real SDK McpServer (fresh per session) behind
// StreamableHTTPServerTransport, with an in-memory event store (resumption) and an auth gate
// that answers exactly like the vendors in docs/vendors.md. Tests drive it with the controls below
// and assert on `requests`, which records what each HTTP request carried (keys included:
// this is test-only memory, never printed).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { StreamableHTTPServerTransport, type EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  ListRootsResultSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  isInitializeRequest,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export type FakeVendorKind = 'uptimeobserver' | 'uptimemonitoring';

export interface FakeVendorOptions {
  vendor: FakeVendorKind;
  /** Keys the vendor accepts at start. */
  keys: string[];
  /** Time source for UptimeMonitoring's rotation grace window (default Date.now). */
  clock?: () => number;
  /** UptimeMonitoring's grace window after `rotate` (default 5 minutes). */
  graceMs?: number;
}

/** One HTTP request as the vendor saw it. */
export interface RecordedRequest {
  /** HTTP method: POST, GET or DELETE. */
  method: string;
  authorization: string | undefined;
  xApiKey: string | undefined;
  sessionId: string | undefined;
  lastEventId: string | undefined;
  protocolVersion: string | undefined;
  /** The key the gate extracted from the header(s), or null when none could be. */
  key: string | null;
  /** JSON-RPC methods in a POST body ('' for responses from the client). */
  rpcMethods: string[];
  /** JSON-RPC ids in a POST body (requests and responses). */
  rpcIds: (string | number)[];
  /** HTTP status answered (set when the response head is sent; 0 before). */
  status: number;
}

export interface FailNextOptions {
  /** Which request fails (default: the next POST that carries a JSON-RPC request). */
  match?: (request: RecordedRequest) => boolean;
  contentType?: string;
}

export interface FakeVendor {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Open MCP sessions by id. */
  readonly sessionIds: string[];
  /** Milliseconds to wait before handling each POST. */
  delayMs: number;
  addKey(key: string): void;
  /** Revokes a key now: UptimeObserver answers 403 `API key revoked`, UptimeMonitoring 401 `invalid credentials`. */
  revokeKey(key: string): void;
  /** Issues newKey. UptimeObserver: the old key stays valid until revoked. UptimeMonitoring:
   * the old key stays valid for graceMs by the clock, then is refused. */
  rotate(oldKey: string, newKey: string): void;
  /** Account suspended: UptimeMonitoring 403 `account suspended; contact support`, UptimeObserver 403. */
  suspend(on: boolean): void;
  /** A key that authenticates but lacks permission: 403 `forbidden` (UptimeObserver: no permission). */
  forbid(key: string): void;
  /** Forgets every session: the next request with an old Mcp-Session-Id gets 404. */
  expireSessions(): Promise<void>;
  /** The next matching request gets this status and body (default body `{"error":"<status text>"}`). */
  failNext(status: number, body?: string, options?: FailNextOptions): void;
  /** Sends notifications/tools/list_changed to every session (outside any request: GET stream). */
  notifyToolListChanged(): void;
  close(): Promise<void>;
}

interface KeyState {
  /** null = valid until revoked */
  validUntil: number | null;
  revoked: boolean;
  forbidden: boolean;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
}

const JWT = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** An event store that replays a stream's events after a given id, in order. */
function createEventStore(): EventStore {
  const events: { id: string; streamId: string; message: JSONRPCMessage }[] = [];
  let counter = 0;
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}::${++counter}`;
      events.push({ id, streamId, message });
      return id;
    },
    async getStreamIdForEventId(eventId) {
      return events.find((e) => e.id === eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const at = events.findIndex((e) => e.id === lastEventId);
      if (at === -1) return '';
      const streamId = events[at]!.streamId;
      for (const e of events.slice(at + 1)) if (e.streamId === streamId) await send(e.id, e.message);
      return streamId;
    },
  };
}

export type Refusal = { status: number; message: string; contentType: string; body?: string };

export interface VendorGateOptions {
  vendor: FakeVendorKind;
  keys: string[];
  clock?: () => number;
  graceMs?: number;
}

/** The vendor's auth decisions and key controls, shared by the fake vendor and the auth-gate proxy. */
export interface VendorGate {
  /** Sets `record.key` to the key extracted; returns the refusal, or null when admitted. */
  check(record: RecordedRequest): Refusal | null;
  addKey(key: string): void;
  revokeKey(key: string): void;
  rotate(oldKey: string, newKey: string): void;
  suspend(on: boolean): void;
  forbid(key: string): void;
}

export function createVendorGate(options: VendorGateOptions): VendorGate {
  const clock = options.clock ?? Date.now;
  const graceMs = options.graceMs ?? 5 * 60 * 1000;
  const keys = new Map<string, KeyState>();
  const addKey = (key: string) => void keys.set(key, { validUntil: null, revoked: false, forbidden: false });
  for (const key of options.keys) addKey(key);
  let suspended = false;
  const isUo = options.vendor === 'uptimeobserver';

  const uoRefusal = (status: number, message: string): Refusal => ({
    status,
    message,
    contentType: 'application/json',
    body: JSON.stringify({ error: { code: status === 401 ? 'unauthorized' : 'forbidden', message } }),
  });
  const umRefusal = (status: number, message: string): Refusal => ({
    status,
    message,
    contentType: status === 401 ? 'text/plain; charset=utf-8' : 'application/json',
  });

  function check(record: RecordedRequest): Refusal | null {
    if (isUo) {
      if (record.xApiKey !== undefined && record.authorization !== undefined) {
        return uoRefusal(401, 'send either X-API-Key or Authorization, not both');
      }
      let key: string | undefined = record.xApiKey;
      if (record.authorization !== undefined) {
        const m = /^Bearer (\S+)$/.exec(record.authorization);
        if (!m) return uoRefusal(401, 'malformed Authorization header');
        key = m[1];
      }
      if (!key) return uoRefusal(401, 'missing API key');
      record.key = key;
      if (JWT.test(key)) return uoRefusal(401, 'JWT tokens are not accepted on /mcp; use an MCP API key');
      const state = keys.get(key);
      if (!state) return uoRefusal(401, 'invalid API key');
      if (state.revoked) return uoRefusal(403, 'API key revoked');
      if (suspended || state.forbidden) return uoRefusal(403, 'no permission for MCP');
      return null;
    }
    const m = record.authorization === undefined ? null : /^Bearer (\S+)$/.exec(record.authorization);
    if (!m) return umRefusal(401, 'missing authorization');
    const key = m[1]!;
    record.key = key;
    const state = keys.get(key);
    if (!state || state.revoked || (state.validUntil !== null && clock() >= state.validUntil)) {
      return umRefusal(401, 'invalid credentials');
    }
    if (suspended) return umRefusal(403, 'account suspended; contact support');
    if (state.forbidden) return umRefusal(403, 'forbidden');
    return null;
  }

  return {
    check,
    addKey,
    revokeKey(key) {
      const state = keys.get(key);
      if (state) state.revoked = true;
    },
    rotate(oldKey, newKey) {
      addKey(newKey);
      const old = keys.get(oldKey);
      if (old && !isUo) old.validUntil = clock() + graceMs;
    },
    suspend(on) {
      suspended = on;
    },
    forbid(key) {
      const state = keys.get(key);
      if (state) state.forbidden = true;
    },
  };
}

/** Writes the vendor's refusal with its JSON body (UptimeMonitoring: `{"error": msg}`). */
export function refuse(res: ServerResponse, refusal: Refusal): void {
  const body = refusal.body ?? JSON.stringify({ error: refusal.message });
  res.writeHead(refusal.status, { 'Content-Type': refusal.contentType }).end(body);
}

/** What a request carried, as the gate and the tests see it. */
export function recordOf(req: IncomingMessage): RecordedRequest {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  return {
    method: req.method ?? '',
    authorization: header('authorization'),
    xApiKey: header('x-api-key'),
    sessionId: header('mcp-session-id'),
    lastEventId: header('last-event-id'),
    protocolVersion: header('mcp-protocol-version'),
    key: null,
    rpcMethods: [],
    rpcIds: [],
    status: 0,
  };
}

export async function startFakeVendor(options: FakeVendorOptions): Promise<FakeVendor> {
  const gate = createVendorGate(options);
  const sessions = new Map<string, Session>();
  const requests: RecordedRequest[] = [];
  const failures: { status: number; body: string | undefined; options: FailNextOptions }[] = [];
  let delayMs = 0;
  const subscriptionsBySession = new Map<string, Set<string>>();

  function buildServer(sessionRef: { id?: string }): McpServer {
    const server = new McpServer(
      { name: `fake-${options.vendor}`, version: '1.0.0' },
      { capabilities: { logging: {}, resources: { subscribe: true, listChanged: true }, tools: { listChanged: true } } },
    );
    const subs = () => {
      const id = sessionRef.id ?? '';
      let set = subscriptionsBySession.get(id);
      if (!set) subscriptionsBySession.set(id, (set = new Set()));
      return set;
    };

    server.registerTool('echo', { description: 'Echoes text', inputSchema: { text: z.string() } }, async ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
    server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }));
    server.registerTool(
      'slow',
      { description: 'Reports progress `steps` times, `intervalMs` apart; stops when cancelled', inputSchema: { steps: z.number().int(), intervalMs: z.number().int() } },
      async ({ steps, intervalMs }, extra) => {
        const token = extra._meta?.progressToken;
        for (let i = 1; i <= steps; i++) {
          if (extra.signal.aborted) return { content: [{ type: 'text', text: 'cancelled' }], isError: true };
          if (intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
          if (token !== undefined) {
            await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: steps, message: `step ${i}` } });
          }
        }
        return { content: [{ type: 'text', text: `done ${steps}` }] };
      },
    );
    server.registerTool(
      'drop-stream',
      { description: 'Reports progress, drops its SSE stream, then finishes: the client must resume (Last-Event-ID)', inputSchema: { afterMs: z.number().int() } },
      async ({ afterMs }, extra) => {
        const token = extra._meta?.progressToken;
        const progress = (n: number) =>
          token === undefined ? Promise.resolve() : extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: n, total: 2 } });
        await progress(1);
        extra.closeSSEStream?.();
        await new Promise((r) => setTimeout(r, afterMs));
        await progress(2);
        return { content: [{ type: 'text', text: 'finished after the drop' }] };
      },
    );
    server.registerTool('big', { description: 'Returns `bytes` characters', inputSchema: { bytes: z.number().int() } }, async ({ bytes }) => ({
      content: [{ type: 'text', text: 'x'.repeat(bytes) }],
    }));
    server.registerTool(
      'ask-client',
      { description: 'Sends a server→client request and returns its answer', inputSchema: { kind: z.enum(['sampling', 'elicitation', 'roots']) } },
      async ({ kind }, extra) => {
        let answer: unknown;
        if (kind === 'sampling') {
          answer = await extra.sendRequest(
            { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }], maxTokens: 20 } },
            CreateMessageResultSchema,
          );
        } else if (kind === 'elicitation') {
          answer = await extra.sendRequest(
            {
              method: 'elicitation/create',
              params: { mode: 'form', message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
            },
            ElicitResultSchema,
          );
        } else {
          answer = await extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema);
        }
        return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
      },
    );
    server.registerTool('add-tool', { description: 'Registers tool `name` (sends tools/list_changed)', inputSchema: { name: z.string() } }, async ({ name }) => {
      server.registerTool(name, { description: 'Added at run time' }, async () => ({ content: [{ type: 'text', text: `I am ${name}` }] }));
      return { content: [{ type: 'text', text: `added ${name}` }] };
    });
    server.registerTool('log', { description: 'Sends a log message at `level`', inputSchema: { level: z.enum(['debug', 'info', 'warning', 'error']), text: z.string() } }, async ({ level, text }) => {
      await server.sendLoggingMessage({ level, logger: 'fake', data: text }, sessionRef.id);
      return { content: [{ type: 'text', text: 'logged' }] };
    });
    server.registerTool('touch', { description: 'Sends notifications/resources/updated for `uri` if subscribed', inputSchema: { uri: z.string() } }, async ({ uri }) => {
      const subscribed = subs().has(uri);
      if (subscribed) await server.server.sendResourceUpdated({ uri });
      return { content: [{ type: 'text', text: subscribed ? 'notified' : 'not subscribed' }] };
    });
    server.registerTool('whoami', { description: 'Returns the auth headers this request carried (for the outbound guard)' }, async (extra) => {
      const headers = extra.requestInfo?.headers ?? {};
      return { content: [{ type: 'text', text: `x-api-key=${String(headers['x-api-key'] ?? '')} authorization=${String(headers['authorization'] ?? '')}` }] };
    });

    server.registerResource('status', 'fake://status', { mimeType: 'text/plain', description: 'Service status' }, async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'all systems up' }],
    }));
    server.registerResource('logo', 'fake://logo.bin', { mimeType: 'application/octet-stream' }, async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'application/octet-stream', blob: Buffer.from([0, 1, 2, 255]).toString('base64') }],
    }));
    server.registerResource(
      'monitor',
      new ResourceTemplate('fake://monitors/{id}', {
        list: async () => ({ resources: [{ uri: 'fake://monitors/alpha', name: 'alpha' }, { uri: 'fake://monitors/beta', name: 'beta' }] }),
        complete: { id: (value) => ['alpha', 'beta', 'gamma'].filter((v) => v.startsWith(value)) },
      }),
      { mimeType: 'application/json' },
      async (uri, { id }) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ id, up: true }) }] }),
    );
    server.registerPrompt(
      'greet',
      { description: 'Greets someone', argsSchema: { name: completable(z.string(), (value) => ['Ada', 'Alan', 'Grace'].filter((n) => n.startsWith(value))) } },
      ({ name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Hello, ${name}!` } }] }),
    );
    server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
      subs().add(request.params.uri);
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
      subs().delete(request.params.uri);
      return {};
    });
    return server;
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = recordOf(req);
    requests.push(record);
    // The status as soon as the head goes out (an SSE response stays open long after).
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      record.status = args[0] as number;
      return writeHead(...args);
    }) as typeof res.writeHead;
    res.on('finish', () => (record.status = res.statusCode));

    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/mcp') {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
      return;
    }
    let parsed: unknown;
    if (req.method === 'POST') {
      const text = await readBody(req);
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
        if (m && typeof m === 'object') {
          const { method, id } = m as { method?: unknown; id?: unknown };
          record.rpcMethods.push(typeof method === 'string' ? method : '');
          if (typeof id === 'string' || typeof id === 'number') record.rpcIds.push(id);
        }
      }
    }

    const refusal = gate.check(record);
    if (refusal) return refuse(res, refusal);

    const failAt = failures.findIndex((f) => (f.options.match ?? defaultFailMatch)(record));
    if (failAt !== -1) {
      const [failure] = failures.splice(failAt, 1);
      const { status, body, options: failOptions } = failure!;
      res.writeHead(status, { 'Content-Type': failOptions.contentType ?? 'application/json' }).end(body ?? JSON.stringify({ error: `upstream status ${status}` }));
      return;
    }
    if (req.method === 'POST' && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));

    if (record.sessionId !== undefined) {
      const session = sessions.get(record.sessionId);
      if (!session) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(
          JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
        );
        return;
      }
      await session.transport.handleRequest(req, res, parsed);
      return;
    }
    if (req.method === 'POST' && isInitializeRequest(parsed)) {
      const sessionRef: { id?: string } = {};
      const server = buildServer(sessionRef);
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        eventStore: createEventStore(),
        // Clients reconnect a dropped stream after this long (the SDK's default is 1 s).
        retryInterval: 50,
        onsessioninitialized: (id) => {
          sessionRef.id = id;
          sessions.set(id, { transport, server });
        },
      });
      transport.onclose = () => {
        if (sessionRef.id && sessions.get(sessionRef.id)?.transport === transport) sessions.delete(sessionRef.id);
      };
      await server.connect(transport);
      await transport.handleRequest(req, res, parsed);
      return;
    }
    res.writeHead(400, { 'Content-Type': 'application/json' }).end(
      JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null }),
    );
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      else res.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;

  const closeSessions = async () => {
    const all = [...sessions.values()];
    sessions.clear();
    subscriptionsBySession.clear();
    await Promise.all(all.map(({ server }) => server.close().catch(() => undefined)));
  };

  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    requests,
    get sessionIds() {
      return [...sessions.keys()];
    },
    get delayMs() {
      return delayMs;
    },
    set delayMs(ms: number) {
      delayMs = ms;
    },
    addKey: gate.addKey,
    revokeKey: gate.revokeKey,
    rotate: gate.rotate,
    suspend: gate.suspend,
    forbid: gate.forbid,
    expireSessions: closeSessions,
    failNext(status, body, failOptions = {}) {
      failures.push({ status, body, options: failOptions });
    },
    notifyToolListChanged() {
      for (const { server } of sessions.values()) server.sendToolListChanged();
    },
    async close() {
      // Stop accepting first, so nothing connects while the open connections are dropped.
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      await closeSessions();
      http.closeAllConnections();
      await closed;
    },
  };
}

function defaultFailMatch(request: RecordedRequest): boolean {
  return request.method === 'POST' && request.rpcIds.length > 0 && request.rpcMethods.some((m) => m !== '');
}
