// What the upstream session (src-main/upstream/session.ts) promises, driven directly: the agent's
// upstream stack for one bridge against a hand-written Streamable-HTTP server on 127.0.0.1
// (support/upstream-rig.ts). Re-initializing after a reconnect, a 404 or an endpoint change, and
// only then; the protocol version in every request; the session ended with DELETE.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { NO_CREDENTIALS, UPSTREAM_ERROR } from '../../../src-shared/jsonrpc-errors';
import { INITIALIZE, initialize, startHandServer, startRig, type Exchange, type HandServer, type Rig } from '../support/upstream-rig';

let server: HandServer;
let other: HandServer | undefined;
let rig: Rig;

beforeEach(async () => {
  server = await startHandServer();
  rig = startRig(server);
});
afterEach(async () => {
  await rig.close();
  await server.close();
  await other?.close();
  other = undefined;
});

const ping = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, method: 'ping' });
const result = (id: number | string, value: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id, result: value });
const notFound = { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' } };
const posts = (s: HandServer) => s.exchanges.filter((e) => e.method === 'POST');
const rpcs = (s: HandServer) => posts(s).map((e) => e.rpc);
const lastOf = (s: HandServer, rpc: string) => posts(s).filter((e) => e.rpc === rpc).at(-1)!;
type ErrorLine = { error: { code: number; message: string; data: { status?: number } } };
const INTERNAL_ID = /^keybridge-internal-\d+$/;

describe('resume (a bridge back after an agent restart)', () => {
  it("replays the assistant's setup before anything else; a 404 later re-initializes again", async () => {
    const level = { jsonrpc: '2.0' as const, id: 'lv-1', method: 'logging/setLevel', params: { level: 'error' } };
    rig.session.resume({ initialize: INITIALIZE, initialized: true, logLevel: level, subscriptions: ['kb://a'] });
    expect(rig.session.setup()).toEqual({ initialize: INITIALIZE, initialized: true, logLevel: level, subscriptions: ['kb://a'] });
    rig.send(ping(1));
    expect(await rig.answer(1)).toEqual(result(1));
    expect(rpcs(server)).toEqual(['initialize', 'notifications/initialized', 'logging/setLevel', 'resources/subscribe', 'ping']);
    expect(posts(server)[2]!.messages[0]!.params).toEqual({ level: 'error' });
    expect(posts(server)[3]!.messages[0]!.params).toEqual({ uri: 'kb://a' });
    expect(posts(server).slice(0, 4).filter((e) => e.id !== undefined).map((e) => String(e.id))).toEqual([expect.stringMatching(INTERNAL_ID), expect.stringMatching(INTERNAL_ID), expect.stringMatching(INTERNAL_ID)]);

    server.forgetAll();
    rig.send(ping(2));
    expect(await rig.answer(2)).toEqual(result(2));
    expect(server.sessions).toEqual(['hand-1', 'hand-2']);
    expect(lastOf(server, 'ping').sessionId).toBe('hand-2');
    expect(rig.lines().filter((line) => String(line.id).startsWith('keybridge-internal-'))).toEqual([]);
  });

  it('with only initialize to replay, only initialize is replayed', async () => {
    rig.session.resume({ initialize: INITIALIZE, initialized: false, logLevel: null, subscriptions: [] });
    rig.send(ping(23));
    expect(await rig.answer(23)).toEqual(result(23));
    expect(rpcs(server)).toEqual(['initialize', 'ping']);
  });

  it('a refused replay is logged, and what the bridge sent still goes (after it)', async () => {
    server.holdOnce('initialize');
    rig.session.resume({ initialize: INITIALIZE, initialized: false, logLevel: null, subscriptions: [] });
    rig.send(ping(3));
    const replay = await server.next('initialize');
    replay.json({ jsonrpc: '2.0', id: replay.id, error: { code: -32603, message: 'nope' } });
    const answer = (await rig.answer(3)) as ErrorLine;
    expect(rig.logs.warn[0]).toBe('re-initializing after reconnect failed: Error: Streamable HTTP error: re-initialize failed: {"code":-32603,"message":"nope"}');
    // No session: the ping is refused, and not replayed again.
    expect(answer.error.data.status).toBe(404);
    expect(rpcs(server)).toEqual(['initialize', 'ping']);
  });
});

describe('order', () => {
  it("the assistant's initialize holds the next message until it is answered", async () => {
    server.holdOnce('initialize');
    rig.send(INITIALIZE);
    rig.send(ping(4));
    (await server.next('initialize')).pass();
    expect(await rig.answer(4)).toEqual(result(4));
    expect(lastOf(server, 'ping').sessionId).toBe('hand-1');
  });
});

describe('the protocol version', () => {
  it('set before any request goes in the first; the answer to initialize sets the next', async () => {
    rig.session.setProtocolVersion('2025-03-26');
    server.answerVersion = '2025-06-18';
    rig.send(INITIALIZE);
    await rig.answer('init-1');
    expect(lastOf(server, 'initialize').headers['mcp-protocol-version']).toBe('2025-03-26');
    rig.send(ping(5));
    await rig.answer(5);
    expect(lastOf(server, 'ping').headers['mcp-protocol-version']).toBe('2025-06-18');
  });

  it("a new session's version replaces the old one; a new session that names none keeps it", async () => {
    await initialize(rig, server);
    server.answerVersion = '2025-03-26';
    server.forgetAll();
    rig.send(ping(6));
    expect(await rig.answer(6)).toEqual(result(6));
    expect(rig.logs.info).toEqual(['upstream session expired (404); re-initializing']);
    expect(lastOf(server, 'ping').headers['mcp-protocol-version']).toBe('2025-03-26');

    server.answerVersion = null;
    server.forgetAll();
    rig.send(ping(7));
    expect(await rig.answer(7)).toEqual(result(7));
    expect(server.sessions).toHaveLength(3);
    expect(lastOf(server, 'ping').headers['mcp-protocol-version']).toBe('2025-03-26');
  });
});

describe('re-initializing after a 404', () => {
  /** Forgets the session, sends a ping, and returns the replayed initialize, held. */
  async function replayOf(id: number): Promise<Exchange> {
    await initialize(rig, server);
    server.forgetAll();
    server.holdOnce('initialize');
    rig.send(ping(id));
    const replay = await server.next('initialize');
    expect(String(replay.id)).toMatch(INTERNAL_ID);
    return replay;
  }

  it('an error answer to the replayed initialize fails the request with it', async () => {
    const replay = await replayOf(8);
    replay.json({ jsonrpc: '2.0', id: replay.id, error: { code: -32603, message: 'nope' } });
    const answer = (await rig.answer(8)) as ErrorLine;
    expect(answer.error.code).toBe(UPSTREAM_ERROR);
    expect(answer.error.message).toContain('re-initialize failed: {"code":-32603,"message":"nope"}');
  });

  it('a failed POST of the replayed initialize fails the request with its status', async () => {
    const replay = await replayOf(9);
    replay.fail(502, 'bad gateway');
    const answer = (await rig.answer(9)) as ErrorLine;
    expect(answer.error.data.status).toBe(502);
  });

  it('no answer to the replayed initialize in time fails the request, naming the wait; the late answer is no one\'s', async () => {
    await rig.close();
    rig = startRig(server, { internalTimeoutMs: 50 });
    const replay = await replayOf(10);
    const answer = (await rig.answer(10)) as ErrorLine;
    expect(answer.error.message).toContain('no answer to initialize within 0.05 s');
    replay.pass();
    await rig.when(() => rig.logs.debug.includes(`dropped a response to no outstanding request (id ${JSON.stringify(replay.id)})`));
  });

  it("a 404 to the assistant's own initialize is the assistant's to handle", async () => {
    server.holdOnce('initialize');
    rig.send(INITIALIZE);
    (await server.next('initialize')).json(notFound, 404);
    expect(((await rig.answer('init-1')) as ErrorLine).error.data.status).toBe(404);
    expect(rpcs(server)).toEqual(['initialize']);

    // Also within a session: the assistant initializing again.
    rig.send({ ...INITIALIZE, id: 'init-2' });
    await rig.answer('init-2');
    server.holdOnce('initialize');
    rig.send({ ...INITIALIZE, id: 'init-3' });
    const again = await server.next('initialize');
    expect(again.sessionId).toBe('hand-1');
    again.json(notFound, 404);
    expect(((await rig.answer('init-3')) as ErrorLine).error.data.status).toBe(404);
    expect(rpcs(server)).toEqual(['initialize', 'initialize', 'initialize']);
  });

  it('a request that meets the 404 once the new session is up is resent there, without another re-initialize', async () => {
    await initialize(rig, server);
    server.holdOnce('tools/list');
    server.holdOnce('tools/call');
    rig.send({ jsonrpc: '2.0', id: 20, method: 'tools/list' });
    rig.send({ jsonrpc: '2.0', id: 21, method: 'tools/call', params: { name: 'work' } });
    const list = await server.next('tools/list');
    const work = await server.next('tools/call');
    server.forgetAll();
    list.json(notFound, 404);
    expect(await rig.answer(20)).toEqual(result(20));
    work.json(notFound, 404);
    expect(await rig.answer(21)).toEqual(result(21));
    expect(server.sessions).toEqual(['hand-1', 'hand-2']);
    expect(lastOf(server, 'tools/call').sessionId).toBe('hand-2');
  });

  it("the forgotten session's GET stream is closed", async () => {
    server.holdOnce('GET');
    await initialize(rig, server);
    const stream = await server.next('GET');
    stream.sse([], true);
    server.forgetAll();
    rig.send(ping(22));
    expect(await rig.answer(22)).toEqual(result(22));
    await stream.aborted;
  });

  it('another error status is not a forgotten session', async () => {
    await initialize(rig, server);
    server.holdOnce('tools/list');
    rig.send({ jsonrpc: '2.0', id: 11, method: 'tools/list' });
    (await server.next('tools/list')).json(notFound, 500);
    expect(((await rig.answer(11)) as ErrorLine).error.data.status).toBe(500);
    expect(server.sessions).toEqual(['hand-1']);
  });

  it('a session the assistant never initialized is not re-initialized', async () => {
    // A server that hands out a session id without initialize.
    server.holdOnce('ping');
    rig.send(ping(12));
    (await server.next('ping')).json(result(12), 200, { 'mcp-session-id': 'unasked' });
    await rig.answer(12);
    rig.send(ping(13));
    expect(((await rig.answer(13)) as ErrorLine).error.data.status).toBe(404);
    expect(rpcs(server)).toEqual(['ping', 'ping']);
    expect(lastOf(server, 'ping').sessionId).toBe('unasked');
  });
});

describe('credentials', () => {
  it('removed and back: the session carries on where it was', async () => {
    await initialize(rig, server);
    const credentials = rig.credentials;
    rig.credentials = null;
    rig.send(ping(24));
    expect(((await rig.answer(24)) as ErrorLine).error.code).toBe(NO_CREDENTIALS);
    rig.credentials = credentials;
    rig.send(ping(25));
    expect(await rig.answer(25)).toEqual(result(25));
    expect(server.sessions).toEqual(['hand-1']);
    expect(lastOf(server, 'ping').sessionId).toBe('hand-1');
  });
});

describe('the stream guard', () => {
  it("learns each answered request's stream, so that the transport's resume of it is refused", async () => {
    await initialize(rig, server);
    server.holdOnce('tools/call');
    rig.send({ jsonrpc: '2.0', id: 26, method: 'tools/call', params: { name: 'work' } });
    // An error on a POST's SSE stream: the transport would resume it with GET + Last-Event-ID.
    (await server.next('tools/call')).sse([{ jsonrpc: '2.0', id: 26, error: { code: -32000, message: 'failed' } }]);
    await rig.answer(26);
    expect(rig.guard.allowsGet('e1')).toBe(false);
    expect(rig.guard.allowsGet('e2')).toBe(true);
  });
});

describe('ids both ways', () => {
  it("a server request with the id of the assistant's request neither ends nor answers it", async () => {
    await initialize(rig, server);
    server.holdOnce('tools/call');
    rig.send({ jsonrpc: '2.0', id: 27, method: 'tools/call', params: { name: 'work' } });
    const work = await server.next('tools/call');
    work.sse([{ jsonrpc: '2.0', id: 27, method: 'roots/list' }], true);
    await rig.when(() => rig.lines().some((line) => line.method === 'roots/list'));
    expect(rig.guard.allowsGet('e1')).toBe(true);
    work.event(result(27));
    work.end();
    await rig.when(() => rig.lines().some((line) => line.id === 27 && 'result' in line));
    expect(rig.guard.allowsGet('e2')).toBe(false);
  });
});

describe('the endpoint changes', () => {
  it('a session the assistant never initialized is left behind, with nothing to replay', async () => {
    other = await startHandServer();
    server.holdOnce('ping');
    rig.send(ping(28));
    (await server.next('ping')).json(result(28), 200, { 'mcp-session-id': 'unasked' });
    await rig.answer(28);
    rig.credentials = { ...rig.credentials!, endpoint: other.url };
    rig.send(ping(29));
    expect(((await rig.answer(29)) as ErrorLine).error.data.status).toBe(404);
    expect(rpcs(other)).toEqual(['ping']);
  });

  it('a new session there, set up as the assistant had, before the message', async () => {
    other = await startHandServer();
    await initialize(rig, server);
    rig.send({ jsonrpc: '2.0', id: 'lv-2', method: 'logging/setLevel', params: { level: 'info' } });
    await rig.answer('lv-2');
    const before = server.exchanges.length;
    rig.credentials = { ...rig.credentials!, endpoint: other.url };
    rig.send(ping(14));
    expect(await rig.answer(14)).toEqual(result(14));
    rig.send(ping(15));
    expect(await rig.answer(15)).toEqual(result(15));
    expect(rpcs(other)).toEqual(['initialize', 'notifications/initialized', 'logging/setLevel', 'ping', 'ping']);
    expect(String(posts(other)[0]!.id)).toMatch(INTERNAL_ID);
    expect(other.sessions).toEqual(['hand-1']);
    expect(server.exchanges.slice(before).filter((e) => e.method === 'POST')).toEqual([]);
  });

  it("the assistant's own initialize goes there once, with or without a session here", async () => {
    other = await startHandServer();
    rig.send(ping(16));
    await rig.answer(16);
    rig.credentials = { ...rig.credentials!, endpoint: other.url };
    rig.send(INITIALIZE);
    await rig.answer('init-1');
    expect(posts(other).map((e) => [e.rpc, e.id])).toEqual([['initialize', 'init-1']]);

    const third = await startHandServer();
    try {
      rig.credentials = { ...rig.credentials!, endpoint: third.url };
      rig.send({ ...INITIALIZE, id: 'init-2' });
      await rig.answer('init-2');
      expect(posts(third).map((e) => [e.rpc, e.id])).toEqual([['initialize', 'init-2']]);
    } finally {
      await third.close();
    }
  });
});

describe('the GET stream', () => {
  it('a GET stream the server refuses is logged', async () => {
    server.holdOnce('GET');
    await initialize(rig, server);
    (await server.next('GET')).fail(500, 'no streams today');
    await rig.when(() => rig.logs.debug.some((line) => line.startsWith('upstream: GET stream not opened (')));
    expect(rig.logs.debug).toContain('upstream: GET stream not opened (Error: Streamable HTTP error: Failed to open SSE stream: Internal Server Error)');
    expect(rig.logs.debug).toContain('upstream: Streamable HTTP error: Failed to open SSE stream: Internal Server Error');
  });
});

describe('close', () => {
  it('ends the session with DELETE once; a failed DELETE is logged; with no session, nothing is sent', async () => {
    await rig.session.close();
    expect(server.exchanges).toEqual([]);
    await initialize(rig, server);
    rig.send(ping(17));
    await rig.answer(17);
    server.holdOnce('DELETE');
    const closing = rig.session.close();
    const del = await server.next('DELETE');
    expect(del.sessionId).toBe('hand-1');
    del.fail(500, 'gone');
    await closing;
    expect(rig.logs.debug).toContain('upstream: DELETE failed (Error: Streamable HTTP error: Failed to terminate session: Internal Server Error)');
    await rig.session.close();
    expect(server.exchanges.filter((e) => e.method === 'DELETE')).toHaveLength(1);
  });
});
