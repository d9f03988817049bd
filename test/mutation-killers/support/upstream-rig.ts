// For the upstream area's mutation killers (src-main/upstream/): a Streamable-HTTP server written
// by hand on 127.0.0.1 that answers the routine parts of MCP itself (initialize, notifications,
// plain requests, DELETE) and leaves any request the test holds for the test to answer however it
// likes (JSON, SSE, an HTTP error, never); and the agent's upstream stack for one bridge wired as
// bridge-session.ts wires it (auth fetch, stream guard, UpstreamSession, Relay), with what the
// relay writes, logs and reports recorded.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createAuthFetch, createFetchPool, type FetchPool } from '../../../src-main/upstream/auth-fetch';
import type { UpstreamCredentials } from '../../../src-main/upstream/credentials';
import type { UpstreamLog } from '../../../src-main/upstream/log';
import { Relay } from '../../../src-main/upstream/relay';
import { UpstreamSession } from '../../../src-main/upstream/session';
import { StreamGuard } from '../../../src-main/upstream/stream-guard';

export type Message = { jsonrpc: '2.0'; id?: string | number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: unknown };

export interface Exchange {
  /** The HTTP method. */
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly sessionId: string | undefined;
  /** The JSON-RPC messages in a POST's body. */
  readonly messages: Message[];
  /** The first message's method, 'response' for a client's response, '' for no body. */
  readonly rpc: string;
  /** The first message's id. */
  readonly id: string | number | undefined;
  /** A JSON answer; the request's session id goes back unless `headers` say otherwise. */
  json(body: unknown, status?: number, headers?: Record<string, string>): void;
  /** 202 Accepted. */
  accept(): void;
  /** An SSE stream with these events (each with an event id), ended unless `open`. */
  sse(events: unknown[], open?: boolean): void;
  /** One more event on an open SSE stream. */
  event(message: unknown): void;
  end(): void;
  /** An HTTP error with a plain-text body. */
  fail(status: number, text: string): void;
  /** Answers as the server does with what it does not hold (a new session for initialize). */
  pass(): void;
  /** Whether the client went away before an answer. */
  readonly aborted: Promise<void>;
}

export interface HandServer {
  readonly url: string;
  readonly exchanges: Exchange[];
  /** Requests of these JSON-RPC methods (or 'GET', 'DELETE') are left for the test to answer. */
  hold(...rpc: string[]): void;
  /** Only the next one of this JSON-RPC method (or 'GET', 'DELETE') is left for the test. */
  holdOnce(rpc: string): void;
  /** The protocol version initialize is answered with: the client's (undefined), this, or none (null). */
  answerVersion: string | null | undefined;
  /** The next exchange held for the test (of this rpc, if given), once it arrives. */
  next(rpc?: string): Promise<Exchange>;
  /** The first exchange (held or not) matching, once it arrived. */
  arrived(match: (exchange: Exchange) => boolean): Promise<Exchange>;
  /** Forgets every session: later requests on them get 404. */
  forgetAll(): void;
  /** Session ids handed out, in order. */
  readonly sessions: string[];
  close(): Promise<void>;
}

export async function startHandServer(): Promise<HandServer> {
  const exchanges: Exchange[] = [];
  const sessions: string[] = [];
  const live = new Set<string>();
  /** How many more of each to hold. */
  const held = new Map<string, number>();
  const version: { answer: string | null | undefined } = { answer: undefined };
  const waiting: Exchange[] = [];
  const waiters: { rpc: string | undefined; resolve: (e: Exchange) => void }[] = [];
  const open = new Set<ServerResponse>();
  const watchers = new Set<() => void>();

  /** What `hold` and `next` name an exchange by: its JSON-RPC method, or GET / DELETE. */
  const nameOf = (exchange: Exchange) => (exchange.method === 'POST' ? exchange.rpc : exchange.method);
  const matches = (exchange: Exchange, rpc: string | undefined) => rpc === undefined || nameOf(exchange) === rpc;
  const offer = (exchange: Exchange) => {
    const at = waiters.findIndex((w) => matches(exchange, w.rpc));
    if (at >= 0) waiters.splice(at, 1)[0]!.resolve(exchange);
    else waiting.push(exchange);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const parsed = body === '' ? [] : (JSON.parse(body) as Message | Message[]);
      const messages = Array.isArray(parsed) ? parsed : [parsed];
      const first = messages[0];
      const header = req.headers['mcp-session-id'];
      const sessionId = typeof header === 'string' ? header : undefined;
      let eventId = 0;
      const exchange: Exchange = {
        method: req.method ?? '',
        headers: req.headers,
        sessionId,
        messages,
        rpc: first === undefined ? '' : (first.method ?? 'response'),
        id: first?.id,
        json(answer, status = 200, headers = {}) {
          res.writeHead(status, { 'content-type': 'application/json', ...(sessionId ? { 'mcp-session-id': sessionId } : {}), ...headers });
          res.end(JSON.stringify(answer));
        },
        accept: () => void res.writeHead(202).end(),
        sse(events, keepOpen = false) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(sessionId ? { 'mcp-session-id': sessionId } : {}) });
          res.flushHeaders();
          for (const event of events) exchange.event(event);
          if (!keepOpen) res.end();
        },
        event: (message) => void res.write(`id: e${++eventId}\ndata: ${JSON.stringify(message)}\n\n`),
        end: () => void res.end(),
        fail: (status, text) => void res.writeHead(status, { 'content-type': 'text/plain' }).end(text),
        pass() {
          if (req.method === 'DELETE') {
            if (sessionId) live.delete(sessionId);
            return void res.writeHead(200).end();
          }
          if (exchange.rpc === 'initialize') {
            const id = `hand-${sessions.length + 1}`;
            sessions.push(id);
            live.add(id);
            const asked = (first!.params as { protocolVersion?: string } | undefined)?.protocolVersion;
            const answered = version.answer === undefined ? asked : version.answer;
            const result = { ...(answered === null ? {} : { protocolVersion: answered }), capabilities: {}, serverInfo: { name: 'hand', version: '1' } };
            return exchange.json({ jsonrpc: '2.0', id: first!.id, result }, 200, { 'mcp-session-id': id });
          }
          if (!sessionId || !live.has(sessionId)) return exchange.json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' } }, 404);
          if (req.method === 'GET') return exchange.fail(405, 'no stream');
          const answers = messages.filter((m) => m.method !== undefined && m.id !== undefined).map((m) => ({ jsonrpc: '2.0', id: m.id, result: {} }));
          if (answers.length === 0) return exchange.accept();
          exchange.json(answers.length === 1 ? answers[0] : answers);
        },
        aborted: new Promise<void>((resolve) => res.on('close', () => !res.writableFinished && resolve())),
      };
      exchanges.push(exchange);
      for (const watcher of [...watchers]) watcher();
      if (messages.some((m) => m.jsonrpc !== '2.0')) return exchange.fail(400, 'not JSON-RPC 2.0');
      const holds = held.get(nameOf(exchange)) ?? 0;
      if (holds === 0) return exchange.pass();
      held.set(nameOf(exchange), holds - 1);
      offer(exchange);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    exchanges,
    sessions,
    hold: (...rpc) => rpc.forEach((r) => held.set(r, Infinity)),
    holdOnce: (rpc) => void held.set(rpc, (held.get(rpc) ?? 0) + 1),
    get answerVersion() {
      return version.answer;
    },
    set answerVersion(value) {
      version.answer = value;
    },
    next(rpc) {
      const at = waiting.findIndex((e) => matches(e, rpc));
      if (at >= 0) return Promise.resolve(waiting.splice(at, 1)[0]!);
      return new Promise((resolve) => waiters.push({ rpc, resolve }));
    },
    arrived: (match) =>
      new Promise<Exchange>((resolve) => {
        const check = () => {
          const found = exchanges.find(match);
          if (!found) return;
          watchers.delete(check);
          resolve(found);
        };
        watchers.add(check);
        check();
      }),
    forgetAll: () => live.clear(),
    close: async () => {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Recorded {
  warn: string[];
  info: string[];
  debug: string[];
}

export type StatusEvent = { kind: 'request' } | { kind: 'ok' } | { kind: 'failure'; status: number | null; message: string };

export interface Rig {
  readonly relay: Relay;
  readonly session: UpstreamSession;
  readonly guard: StreamGuard;
  readonly pool: FetchPool;
  readonly logs: Recorded;
  readonly statuses: StatusEvent[];
  /** Raw lines the relay wrote, in order. */
  readonly written: string[];
  /** The credentials the next request finds (null: none). */
  credentials: UpstreamCredentials | null;
  /** Keys scrubbed from what is written. */
  keys: string[];
  /** A message from the assistant. */
  send(message: JSONRPCMessage): void;
  /** Resolves once `check` holds, re-checked on every line written, log line and status. */
  when(check: () => boolean): Promise<void>;
  /** The first written line (parsed) with this id, once written. */
  answer(id: string | number): Promise<Record<string, unknown>>;
  /** Every written line, parsed. */
  lines(): Record<string, unknown>[];
  close(): Promise<void>;
}

export const RIG_KEY = 'uo_test_upstream_rig_0000000001';
export const NO_KEY_MESSAGE = "The key for 'p' was removed in KeyBridge.";

export function startRig(server: HandServer, options: { debugEnabled?: boolean; internalTimeoutMs?: number } = {}): Rig {
  const logs: Recorded = { warn: [], info: [], debug: [] };
  const statuses: StatusEvent[] = [];
  const written: string[] = [];
  const watchers = new Set<() => void>();
  const changed = () => {
    for (const watcher of [...watchers]) watcher();
  };
  const log: UpstreamLog = {
    warn: (m) => void (logs.warn.push(m), changed()),
    info: (m) => void (logs.info.push(m), changed()),
    debug: (m) => void (logs.debug.push(m), changed()),
    debugEnabled: options.debugEnabled ?? true,
  };
  const guard = new StreamGuard();
  const pool = createFetchPool(log);
  const state = {
    credentials: { endpoint: server.url, auth: 'bearer', key: RIG_KEY, keyId: 'sha256:rig' } as UpstreamCredentials | null,
    keys: [RIG_KEY],
  };
  const fetch = createAuthFetch({ credentials: () => state.credentials, pool, guard, noCredentialsMessage: () => NO_KEY_MESSAGE });
  const session = new UpstreamSession({
    endpoint: () => state.credentials?.endpoint ?? null,
    fetch,
    guard,
    log,
    onMessage: (m) => relay.fromServer(m),
    // Short: a mutant that loses an answer fails its test soon.
    internalTimeoutMs: options.internalTimeoutMs ?? 3000,
  });
  const relay: Relay = new Relay({
    profile: 'p',
    session,
    guard,
    log,
    status: {
      request: () => void (statuses.push({ kind: 'request' }), changed()),
      ok: () => void (statuses.push({ kind: 'ok' }), changed()),
      failure: (status, message) => void (statuses.push({ kind: 'failure', status, message }), changed()),
    },
    endpoint: () => state.credentials?.endpoint ?? server.url,
    keys: () => state.keys,
    write: (line) => void (written.push(line), changed()),
  });
  const lines = () => written.map((line) => JSON.parse(line) as Record<string, unknown>);
  const when = (check: () => boolean) =>
    new Promise<void>((resolve) => {
      const probe = () => {
        if (!check()) return;
        watchers.delete(probe);
        resolve();
      };
      watchers.add(probe);
      probe();
    });
  return {
    relay,
    session,
    guard,
    pool,
    logs,
    statuses,
    written,
    get credentials() {
      return state.credentials;
    },
    set credentials(value) {
      state.credentials = value;
    },
    get keys() {
      return state.keys;
    },
    set keys(value) {
      state.keys = value;
    },
    send: (message) => relay.fromClient(message),
    when,
    answer: async (id) => {
      await when(() => lines().some((line) => line.id === id));
      return lines().find((line) => line.id === id)!;
    },
    lines,
    close: async () => {
      await session.close();
      await pool.close();
    },
  };
}

export const INITIALIZE = { jsonrpc: '2.0' as const, id: 'init-1', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'assistant', version: '1' } } };
export const INITIALIZED = { jsonrpc: '2.0' as const, method: 'notifications/initialized' };

/** initialize answered, initialized heard by the server: a session in its steady state. */
export async function initialize(rig: Rig, server: HandServer): Promise<void> {
  rig.send(INITIALIZE);
  await rig.answer('init-1');
  rig.send(INITIALIZED);
  await server.arrived((e) => e.rpc === 'notifications/initialized');
}

/** Lets pending promise callbacks and I/O callbacks run once. */
export const settled = () => new Promise<void>((resolve) => setImmediate(resolve));
