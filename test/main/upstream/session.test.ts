// The upstream session's ordering rules (src-main/upstream/session.ts), one message at a time,
// with the SDK's real client transport over a fetch the test answers by hand: which HTTP request
// has gone out, and which is still held back, at each step. (End to end against real servers:
// ordering.test.ts.)
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createAuthFetch } from '../../../src-main/upstream/auth-fetch';
import { silentLog } from '../../../src-main/upstream/log';
import { UpstreamSession } from '../../../src-main/upstream/session';
import { StreamGuard } from '../../../src-main/upstream/stream-guard';

const ENDPOINT = 'http://upstream.test/mcp';
const KEY = 'uo_test_session_order_000000001';

interface Exchange {
  method: string;
  /** JSON-RPC methods (or 'response') in the POST body. */
  rpc: string[];
  ids: unknown[];
  headers: Headers;
  answer(response: Response): void;
  answered: boolean;
}

/** A fetch that records each request and answers only when the test says so. */
function handFetch() {
  const exchanges: Exchange[] = [];
  const fetch: FetchLike = (_url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      const messages = (Array.isArray(body) ? body : body === undefined ? [] : [body]) as { method?: string; id?: unknown }[];
      const exchange: Exchange = {
        method: init.method ?? 'GET',
        rpc: messages.map((m) => m.method ?? 'response'),
        ids: messages.map((m) => m.id),
        headers: new Headers(init.headers),
        answered: false,
        answer(response) {
          exchange.answered = true;
          resolve(response);
        },
      };
      init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      exchanges.push(exchange);
    });
  return { fetch, exchanges };
}

const json = (message: unknown, sessionId = 'session-1') =>
  new Response(JSON.stringify(message), { status: 200, headers: { 'content-type': 'application/json', 'mcp-session-id': sessionId } });
const accepted = () => new Response(null, { status: 202 });
const notFound = () => new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }), { status: 404, headers: { 'content-type': 'application/json' } });
const initResult = (id: unknown) => ({ jsonrpc: '2.0', id, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'hand', version: '1' } } });

/** Lets every pending promise callback run (the transport awaits a few times per send). */
const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

function setup() {
  const { fetch, exchanges } = handFetch();
  const guard = new StreamGuard();
  const received: JSONRPCMessage[] = [];
  const authFetch = createAuthFetch({
    credentials: () => ({ endpoint: ENDPOINT, auth: 'x-api-key', key: KEY, keyId: 'sha256:test' }),
    pool: { fetchFor: async () => fetch, close: async () => undefined },
    guard,
    noCredentialsMessage: () => 'no key',
  });
  const session = new UpstreamSession({ endpoint: () => ENDPOINT, fetch: authFetch, guard, log: silentLog, onMessage: (m) => void received.push(m) });
  return { session, exchanges, received };
}

const INITIALIZE = { jsonrpc: '2.0' as const, id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'assistant', version: '1' } } };
const INITIALIZED = { jsonrpc: '2.0' as const, method: 'notifications/initialized' };
const request = (id: number, method: string) => ({ jsonrpc: '2.0' as const, id, method });

/** initialize answered, initialized accepted: a session in its steady state. */
async function initialized(s: ReturnType<typeof setup>) {
  const init = s.session.send(INITIALIZE);
  await flush();
  s.exchanges[0]!.answer(json(initResult(0)));
  expect(await init).toBeNull();
  const done = s.session.send(INITIALIZED);
  await flush();
  s.exchanges.find((e) => e.rpc[0] === 'notifications/initialized')!.answer(accepted());
  expect(await done).toBeNull();
  await flush();
}

describe('upstream session order', () => {
  it('initialized goes out without waiting for the GET stream; a request after it waits for its 202', async () => {
    const s = setup();
    const init = s.session.send(INITIALIZE);
    await flush();
    s.exchanges[0]!.answer(json(initResult(0)));
    await init;
    expect(s.received).toEqual([initResult(0)]);

    const initializedSent = s.session.send(INITIALIZED);
    const list = s.session.send(request(1, 'tools/list'));
    await flush();
    // The GET stream is asked for first (so nothing the server sends on initialized is lost),
    // initialized goes out while its head is still awaited, and tools/list is held.
    expect(s.exchanges.map((e) => `${e.method} ${e.rpc.join(',')}`.trim())).toEqual(['POST initialize', 'GET', 'POST notifications/initialized']);

    s.exchanges[2]!.answer(accepted());
    await initializedSent;
    await flush();
    expect(s.exchanges.map((e) => `${e.method} ${e.rpc.join(',')}`.trim())).toEqual(['POST initialize', 'GET', 'POST notifications/initialized', 'POST tools/list']);
    // The transport's own GET after the 202 was answered "no stream" by the guard: one GET only.
    expect(s.exchanges.filter((e) => e.method === 'GET')).toHaveLength(1);
    expect(s.exchanges[1]!.answered).toBe(false);

    s.exchanges[3]!.answer(json({ jsonrpc: '2.0', id: 1, result: { tools: [] } }));
    expect(await list).toBeNull();
    expect(s.received.at(-1)).toEqual({ jsonrpc: '2.0', id: 1, result: { tools: [] } });
    // Exactly one auth header on every request, the session id on every one after initialize.
    for (const e of s.exchanges) expect([e.headers.get('x-api-key'), e.headers.get('authorization')]).toEqual([KEY, null]);
    for (const e of s.exchanges.slice(1)) expect(e.headers.get('mcp-session-id')).toBe('session-1');
  });

  it('requests do not wait for each other\'s answers, only for their turn; a notification after a request waits only for its POST to start', async () => {
    const s = setup();
    await initialized(s);
    const from = s.exchanges.length;
    const slow = s.session.send(request(2, 'tools/call'));
    const other = s.session.send(request(3, 'tools/list'));
    const cancel = s.session.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 2 } });
    const after = s.session.send(request(4, 'ping'));
    await flush();
    // All out in the order sent, none answered yet, except that the ping waits for the
    // cancellation to be accepted.
    expect(s.exchanges.slice(from).map((e) => e.rpc[0])).toEqual(['tools/call', 'tools/list', 'notifications/cancelled']);
    s.exchanges[from + 2]!.answer(accepted());
    await cancel;
    await flush();
    expect(s.exchanges.slice(from).map((e) => e.rpc[0])).toEqual(['tools/call', 'tools/list', 'notifications/cancelled', 'ping']);
    s.exchanges[from + 3]!.answer(json({ jsonrpc: '2.0', id: 4, result: {} }));
    s.exchanges[from + 1]!.answer(json({ jsonrpc: '2.0', id: 3, result: { tools: [] } }));
    s.exchanges[from]!.answer(json({ jsonrpc: '2.0', id: 2, result: { content: [] } }));
    expect(await Promise.all([slow, other, after])).toEqual([null, null, null]);
    // Answers are passed on as they come.
    expect(s.received.slice(-3).map((m) => (m as { id: number }).id)).toEqual([4, 3, 2]);
  });

  it('a failed notification is reported and does not stop the next message', async () => {
    const s = setup();
    await initialized(s);
    const from = s.exchanges.length;
    const note = s.session.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    const next = s.session.send(request(5, 'ping'));
    await flush();
    s.exchanges[from]!.answer(new Response('{"error":"bad gateway"}', { status: 502 }));
    expect(await note).toMatchObject({ error: expect.objectContaining({ code: 502 }) });
    await flush();
    expect(s.exchanges[from + 1]!.rpc).toEqual(['ping']);
    s.exchanges[from + 1]!.answer(json({ jsonrpc: '2.0', id: 5, result: {} }));
    expect(await next).toBeNull();
  });

  it('after a 404 the session re-initializes once with the assistant\'s own setup, then resends what failed, in order', async () => {
    const s = setup();
    await initialized(s);
    const setLevel = s.session.send({ jsonrpc: '2.0', id: 6, method: 'logging/setLevel', params: { level: 'warning' } });
    await flush();
    s.exchanges.at(-1)!.answer(json({ jsonrpc: '2.0', id: 6, result: {} }));
    await setLevel;
    const from = s.exchanges.length;
    const list = s.session.send(request(7, 'tools/list'));
    const ping = s.session.send(request(8, 'ping'));
    await flush();
    // Both out on the session the server has since forgotten.
    expect(s.exchanges.slice(from).map((e) => e.rpc[0])).toEqual(['tools/list', 'ping']);
    s.exchanges[from]!.answer(notFound());
    s.exchanges[from + 1]!.answer(notFound());
    await flush();
    // One new session for both: the assistant's initialize under an internal id, whose answer
    // the assistant never sees.
    const fresh = () => s.exchanges.slice(from + 2);
    expect(fresh().map((e) => e.rpc[0])).toEqual(['initialize']);
    const replay = fresh()[0]!;
    expect(replay.headers.get('mcp-session-id')).toBeNull();
    expect(String(replay.ids[0])).toMatch(/^keybridge-internal-/);
    replay.answer(json(initResult(replay.ids[0]), 'session-2'));
    await flush();
    // initialized, with the GET stream asked for just before it, then the log level again.
    expect(fresh().map((e) => `${e.method} ${e.rpc.join(',')}`.trim())).toEqual(['POST initialize', 'GET', 'POST notifications/initialized']);
    fresh()[2]!.answer(accepted());
    await flush();
    const level = fresh()[3]!;
    expect(level.rpc).toEqual(['logging/setLevel']);
    level.answer(json({ jsonrpc: '2.0', id: level.ids[0], result: {} }, 'session-2'));
    await flush();
    // Then the requests that got 404, in the order the assistant sent them.
    expect(fresh().slice(4).map((e) => e.rpc[0])).toEqual(['tools/list', 'ping']);
    for (const e of fresh().slice(1)) expect(e.headers.get('mcp-session-id')).toBe('session-2');
    fresh()[4]!.answer(json({ jsonrpc: '2.0', id: 7, result: { tools: [] } }, 'session-2'));
    fresh()[5]!.answer(json({ jsonrpc: '2.0', id: 8, result: {} }, 'session-2'));
    expect(await Promise.all([list, ping])).toEqual([null, null]);
    // The assistant saw its own answers only: none for the replayed initialize or log level.
    expect(s.received.filter((m) => 'id' in m && String(m.id).startsWith('keybridge-internal-'))).toEqual([]);
    expect(s.received.slice(-2).map((m) => (m as { id: number }).id)).toEqual([7, 8]);
  });

  it('a message sent while the session re-initializes waits for it', async () => {
    const s = setup();
    await initialized(s);
    const from = s.exchanges.length;
    const list = s.session.send(request(10, 'tools/list'));
    await flush();
    s.exchanges[from]!.answer(notFound());
    await flush();
    // Re-initializing now; the assistant sends more.
    const later = s.session.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    await flush();
    const fresh = () => s.exchanges.slice(from + 1);
    expect(fresh().map((e) => e.rpc[0])).toEqual(['initialize']);
    fresh()[0]!.answer(json(initResult(fresh()[0]!.ids[0]), 'session-2'));
    await flush();
    fresh()[2]!.answer(accepted());
    await flush();
    expect(fresh().map((e) => `${e.method} ${e.rpc.join(',')}`.trim())).toEqual(['POST initialize', 'GET', 'POST notifications/initialized', 'POST tools/list', 'POST notifications/roots/list_changed']);
    fresh()[3]!.answer(json({ jsonrpc: '2.0', id: 10, result: { tools: [] } }, 'session-2'));
    fresh()[4]!.answer(accepted());
    expect(await Promise.all([list, later])).toEqual([null, null]);
  });

  it('resume (a bridge back after an agent restart): the setup is replayed before anything the bridge sends', async () => {
    const s = setup();
    s.session.resume({ initialize: INITIALIZE, initialized: true, logLevel: null, subscriptions: ['fake://a'] });
    const list = s.session.send(request(9, 'tools/list'));
    await flush();
    expect(s.exchanges.map((e) => e.rpc[0])).toEqual(['initialize']);
    s.exchanges[0]!.answer(json(initResult(s.exchanges[0]!.ids[0])));
    await flush();
    expect(s.exchanges.map((e) => `${e.method} ${e.rpc.join(',')}`.trim())).toEqual(['POST initialize', 'GET', 'POST notifications/initialized']);
    s.exchanges[2]!.answer(accepted());
    await flush();
    expect(s.exchanges[3]!.rpc).toEqual(['resources/subscribe']);
    s.exchanges[3]!.answer(json({ jsonrpc: '2.0', id: s.exchanges[3]!.ids[0], result: {} }));
    await flush();
    expect(s.exchanges[4]!.rpc).toEqual(['tools/list']);
    s.exchanges[4]!.answer(json({ jsonrpc: '2.0', id: 9, result: { tools: [] } }));
    expect(await list).toBeNull();
    expect(s.received).toEqual([{ jsonrpc: '2.0', id: 9, result: { tools: [] } }]);
    expect(s.session.setup()).toEqual({ initialize: INITIALIZE, initialized: true, logLevel: null, subscriptions: ['fake://a'] });
  });
});
