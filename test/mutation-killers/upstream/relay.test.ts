// What the relay (src-main/upstream/relay.ts) promises the assistant, driven directly: the agent's
// upstream stack for one bridge (auth fetch, stream guard, session, relay) against a hand-written
// Streamable-HTTP server on 127.0.0.1 (support/upstream-rig.ts). Each request gets exactly one
// answer; replays, progress for nobody and responses nobody awaits never reach the assistant.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_CREDENTIALS, UPSTREAM_ERROR } from '../../../src-shared/jsonrpc-errors';
import { REDACTED } from '../../../src-shared/redact';
import { INITIALIZE, NO_KEY_MESSAGE, RIG_KEY, initialize, settled, startHandServer, startRig, type HandServer, type Rig } from '../support/upstream-rig';

let server: HandServer;
let rig: Rig;

beforeEach(async () => {
  server = await startHandServer();
  rig = startRig(server);
});
afterEach(async () => {
  await rig.close();
  await server.close();
});

const call = (id: number, extra: Record<string, unknown> = {}) => ({ jsonrpc: '2.0' as const, id, method: 'tools/call', params: { name: 'work', ...extra } });
const result = (id: number | string, value: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id, result: value });
const requests = () => rig.statuses.filter((s) => s.kind === 'request').length;
/** A line of at least one pipe read: it starts with `{` and 64 KiB of JSON whitespace. */
const padded = (raw: string) => raw.startsWith(`{${' '.repeat(64 * 1024)}`);
const rawLineOf = (id: number | string) => rig.written.find((raw) => (JSON.parse(raw) as { id?: unknown }).id === id)!;

describe('server requests', () => {
  it('a replayed server request reaches the assistant once; once answered, its id may come again; answers are not requests', async () => {
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(1));
    const stream = await server.next('tools/call');
    const ask = { jsonrpc: '2.0', id: 's-1', method: 'roots/list' };
    stream.sse([ask, ask], true);
    await rig.when(() => rig.logs.debug.includes('dropped a repeated server request (id "s-1")'));
    expect(rig.lines().filter((line) => line.id === 's-1')).toEqual([ask]);

    rig.send({ jsonrpc: '2.0', id: 's-1', result: { roots: [] } });
    const answered = await server.arrived((e) => e.rpc === 'response');
    expect(answered.messages).toEqual([{ jsonrpc: '2.0', id: 's-1', result: { roots: [] } }]);
    // The assistant's answer is not one of its requests (initialize and tools/call only).
    expect(requests()).toBe(2);

    stream.event(ask);
    await rig.when(() => rig.lines().filter((line) => line.id === 's-1').length === 2);
    stream.event(result(1, { content: [] }));
    stream.end();
    expect(await rig.answer(1)).toEqual(result(1, { content: [] }));
  });

  it('with debug lines off, dropping a replay builds none', async () => {
    await rig.close();
    rig = startRig(server, { debugEnabled: false });
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(1));
    const stream = await server.next('tools/call');
    const ask = { jsonrpc: '2.0', id: 's-2', method: 'roots/list' };
    stream.sse([ask, ask, result(1)]);
    await rig.answer(1);
    expect(rig.lines().filter((line) => line.id === 's-2')).toHaveLength(1);
    expect(rig.logs.debug).toEqual([]);
  });
});

describe('progress', () => {
  it('progress for the request is passed on and its result starts a new read; progress for no request is dropped', async () => {
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(2, { _meta: { progressToken: 'tok' } }));
    const withProgress = await server.next('tools/call');
    const mine = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'tok', progress: 1 } };
    const log = { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } };
    withProgress.sse([
      log,
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'other', progress: 1 } },
      { jsonrpc: '2.0', method: 'notifications/progress' },
      mine,
      result(2, { content: [] }),
    ]);
    await rig.answer(2);
    expect(rig.lines().filter((line) => line.method === 'notifications/progress')).toEqual([mine]);
    expect(rig.lines().filter((line) => line.method === 'notifications/message')).toEqual([log]);
    expect(rig.logs.debug.filter((line) => line === 'dropped progress for no outstanding request')).toHaveLength(2);
    expect(padded(rawLineOf(2))).toBe(true);
    expect(JSON.parse(rawLineOf(2))).toEqual(result(2, { content: [] }));

    // A request that asked for no progress: progress without a token is nobody's.
    rig.send(call(3));
    const without = await server.next('tools/call');
    without.sse([{ jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } }, result(3)]);
    await rig.answer(3);
    expect(rig.lines().filter((line) => line.method === 'notifications/progress')).toEqual([mine]);
    expect(padded(rawLineOf(3))).toBe(false);
    expect(rawLineOf(3)).toBe('{"jsonrpc":"2.0","id":3,"result":{}}\n');
  });

  it('only a result after progress is padded: not the progress, a notification or an error', async () => {
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(20, { _meta: { progressToken: 'p20' } }));
    const progress = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p20', progress: 1 } };
    const log = { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'working' } };
    (await server.next('tools/call')).sse([progress, log, result(20)]);
    await rig.answer(20);
    rig.send(call(21));
    (await server.next('tools/call')).fail(500, 'broken');
    await rig.answer(21);
    expect(rig.written.filter((raw) => !padded(raw)).map((raw) => JSON.parse(raw) as { method?: string; id?: number }).map((line) => line.method ?? line.id)).toEqual([
      'init-1',
      'notifications/progress',
      'notifications/message',
      21,
    ]);
    expect(rig.written.filter((raw) => raw.startsWith('{ '))).toHaveLength(1);
  });

  it('a request that asked for progress but got none is answered without padding', async () => {
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(4, { _meta: { progressToken: 'quiet' } }));
    (await server.next('tools/call')).json(result(4));
    await rig.answer(4);
    expect(rawLineOf(4)).toBe('{"jsonrpc":"2.0","id":4,"result":{}}\n');
  });
});

describe('cancellation', () => {
  it('a cancelled request gets no answer, neither the late result nor an error, and drain stops waiting for it', async () => {
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(5));
    rig.send(call(6));
    const five = await server.next('tools/call');
    const six = await server.next('tools/call');
    let drained = false;
    const draining = rig.relay.drain(60_000).then(() => (drained = true));

    // Not a cancellation, though it names a request.
    rig.send({ jsonrpc: '2.0', method: 'notifications/message', params: { requestId: 5 } });
    // A cancellation without params names nothing (and is passed on).
    rig.send({ jsonrpc: '2.0', method: 'notifications/cancelled' });
    rig.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 6, reason: 'user' } });
    await server.arrived((e) => e.rpc === 'notifications/cancelled' && e.messages[0]!.params !== undefined);
    await settled();
    expect(drained).toBe(false);

    six.fail(500, 'too late');
    await rig.when(() => rig.statuses.some((s) => s.kind === 'failure'));
    five.json(result(5, { content: [] }));
    expect(await rig.answer(5)).toEqual(result(5, { content: [] }));
    await draining;
    expect(drained).toBe(true);
    expect(rig.lines().filter((line) => line.id === 6)).toEqual([]);
    expect(rig.logs.warn.filter((line) => line.startsWith('tools/call failed'))).toEqual([]);
  });

  it("the result of a cancelled request is dropped, and drain resolves at the cancellation", async () => {
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(7));
    const seven = await server.next('tools/call');
    let drained = false;
    const draining = rig.relay.drain(60_000).then(() => (drained = true));
    rig.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } });
    await draining;
    expect(drained).toBe(true);
    seven.json(result(7, { content: [] }));
    await rig.when(() => rig.logs.debug.includes('dropped a response to no outstanding request (id 7)'));
    expect(rig.lines().filter((line) => line.id === 7)).toEqual([]);
  });
});

describe('drain', () => {
  it('with nothing outstanding, resolves at once', async () => {
    await initialize(rig, server);
    await rig.relay.drain(60_000);
    expect(rig.lines().filter((line) => 'error' in line)).toEqual([]);
  });

  it('waits for every outstanding request, not just one', async () => {
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(8));
    rig.send(call(9));
    const eight = await server.next('tools/call');
    const nine = await server.next('tools/call');
    let drained = false;
    const draining = rig.relay.drain(60_000).then(() => (drained = true));
    eight.json(result(8));
    await rig.answer(8);
    await settled();
    expect(drained).toBe(false);
    nine.json(result(9));
    await rig.answer(9);
    await draining;
    expect(rig.lines().filter((line) => 'error' in line)).toEqual([]);
  });

  it('answers what is still outstanding when time is up, naming the endpoint and profile', async () => {
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(10));
    await server.next('tools/call');
    await rig.relay.drain(1);
    expect(await rig.answer(10)).toEqual({
      jsonrpc: '2.0',
      id: 10,
      error: { code: UPSTREAM_ERROR, message: `No answer from ${server.url} for 'p' before the assistant closed the connection.`, data: { profile: 'p' } },
    });
    expect(rig.logs.warn).toContain(`tools/call failed: No answer from ${server.url} for 'p' before the assistant closed the connection.`);
  });
});

describe('a revoked key', () => {
  it('answers outstanding and later requests with the reason, sends nothing upstream until restored', async () => {
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(11));
    const held = await server.next('tools/call');
    const reason = "The key for 'p' is paused in KeyBridge.";
    rig.relay.revoke(reason);
    const noKey = (id: number) => ({ jsonrpc: '2.0', id, error: { code: NO_CREDENTIALS, message: reason, data: { profile: 'p' } } });
    expect(await rig.answer(11)).toEqual(noKey(11));
    rig.send({ jsonrpc: '2.0', id: 12, method: 'tools/list' });
    expect(await rig.answer(12)).toEqual(noKey(12));
    rig.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    expect(rig.logs.warn).toEqual([`tools/call failed: ${reason}`, `tools/list failed: ${reason}`]);

    rig.relay.restore();
    rig.send({ jsonrpc: '2.0', id: 13, method: 'ping' });
    expect(await rig.answer(13)).toEqual(result(13));
    expect(server.exchanges.map((e) => e.rpc).filter((rpc) => rpc === 'tools/list' || rpc === 'notifications/roots/list_changed')).toEqual([]);
    // The revoked request's late result is no one's.
    held.json(result(11, { content: [] }));
    await rig.when(() => rig.logs.debug.includes('dropped a response to no outstanding request (id 11)'));
    expect(rig.lines().filter((line) => line.id === 11)).toHaveLength(1);
  });
});

describe('failures', () => {
  it('no credentials: the request is answered with the reason and code, a notification only marks the session failing', async () => {
    await initialize(rig, server);
    rig.credentials = null;
    rig.send({ jsonrpc: '2.0', id: 14, method: 'tools/list' });
    expect(await rig.answer(14)).toEqual({ jsonrpc: '2.0', id: 14, error: { code: NO_CREDENTIALS, message: NO_KEY_MESSAGE, data: { profile: 'p' } } });
    expect(rig.statuses.at(-1)).toEqual({ kind: 'failure', status: null, message: NO_KEY_MESSAGE });
    const failures = rig.statuses.filter((s) => s.kind === 'failure').length;
    rig.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    await rig.when(() => rig.statuses.filter((s) => s.kind === 'failure').length === failures + 1);
    expect(rig.statuses.at(-1)).toEqual({ kind: 'failure', status: null, message: NO_KEY_MESSAGE });
    expect(rig.lines().filter((line) => 'error' in line)).toHaveLength(1);
    expect(rig.logs.warn).toEqual([`tools/list failed: ${NO_KEY_MESSAGE}`]);
  });

  it('no credentials from the start: the reason, and nothing sent', async () => {
    rig.credentials = null;
    rig.send(INITIALIZE);
    expect(await rig.answer('init-1')).toEqual({ jsonrpc: '2.0', id: 'init-1', error: { code: NO_CREDENTIALS, message: NO_KEY_MESSAGE, data: { profile: 'p' } } });
    expect(server.exchanges).toEqual([]);
  });

  it("an answer to the server that finds no key is not taken for the assistant's request with the same id", async () => {
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(5));
    const work = await server.next('tools/call');
    work.sse([{ jsonrpc: '2.0', id: 5, method: 'roots/list' }], true);
    await rig.when(() => rig.lines().some((line) => line.method === 'roots/list'));
    rig.credentials = null;
    rig.send({ jsonrpc: '2.0', id: 5, result: { roots: [] } });
    await rig.when(() => rig.statuses.some((s) => s.kind === 'failure'));
    work.event(result(5, { content: [] }));
    work.end();
    await rig.when(() => rig.lines().some((line) => line.id === 5 && 'result' in line));
    expect(rig.lines().filter((line) => line.id === 5)).toEqual([{ jsonrpc: '2.0', id: 5, method: 'roots/list' }, result(5, { content: [] })]);
  });

  it("the server's error status: the request gets an error naming it, a failed notification is logged", async () => {
    server.hold('tools/call', 'notifications/roots/list_changed');
    await initialize(rig, server);
    rig.send(call(15));
    (await server.next('tools/call')).fail(503, 'overloaded');
    const answer = (await rig.answer(15)) as { error: { code: number; message: string; data: unknown } };
    expect(answer.error.code).toBe(UPSTREAM_ERROR);
    expect(answer.error.data).toEqual({ profile: 'p', status: 503 });
    expect(answer.error.message).toContain(`${server.url} failed for 'p' (503`);
    expect(rig.logs.warn).toEqual([`tools/call failed: ${answer.error.message}`]);
    expect(rig.statuses.at(-1)).toMatchObject({ kind: 'failure', status: 503 });

    rig.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    (await server.next('notifications/roots/list_changed')).fail(503, 'overloaded');
    await rig.when(() => rig.logs.warn.length === 2);
    expect(rig.logs.warn[1]).toBe(answer.error.message);
    expect(rig.lines().filter((line) => 'error' in line)).toHaveLength(1);
  });
});

describe('responses', () => {
  it('a response without id is dropped; only the request it answers sets the protocol version', async () => {
    server.hold('tools/call');
    rig.send({ ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion: '2025-03-26' } });
    await rig.answer('init-1');
    rig.send({ jsonrpc: '2.0', id: 16, method: 'ping' });
    await rig.answer(16);
    expect(server.exchanges.at(-1)!.headers['mcp-protocol-version']).toBe('2025-03-26');

    rig.send(call(17));
    (await server.next('tools/call')).sse([{ jsonrpc: '2.0', error: { code: -32600, message: 'no id' } }, result(17, { protocolVersion: '1999-01-01' })]);
    await rig.answer(17);
    expect(rig.logs.debug).toContain('dropped a response without id');
    expect(rig.lines().filter((line) => line.id === undefined)).toEqual([]);
    rig.send({ jsonrpc: '2.0', id: 18, method: 'ping' });
    await rig.answer(18);
    expect(server.exchanges.at(-1)!.headers['mcp-protocol-version']).toBe('2025-03-26');
  });

  it('an initialize answered with an error is relayed; one answered without a version keeps the version', async () => {
    server.hold('initialize');
    rig.send({ ...INITIALIZE, params: { ...INITIALIZE.params, protocolVersion: '1900-01-01' } });
    const refused = { jsonrpc: '2.0', id: 'init-1', error: { code: -32602, message: 'Unsupported protocol version' } };
    (await server.next('initialize')).json(refused);
    expect(await rig.answer('init-1')).toEqual(refused);

    rig.send({ ...INITIALIZE, id: 'init-2' });
    const accepted = await server.next('initialize');
    expect(accepted.headers['mcp-protocol-version']).toBeUndefined();
    accepted.json(result('init-2', { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'hand', version: '1' } }));
    await rig.answer('init-2');
    rig.send({ ...INITIALIZE, id: 'init-3' });
    (await server.next('initialize')).json(result('init-3', { capabilities: {} }));
    await rig.answer('init-3');
    rig.send({ ...INITIALIZE, id: 'init-4' });
    const after = await server.next('initialize');
    expect(after.headers['mcp-protocol-version']).toBe('2025-06-18');
    after.json(result('init-4', { protocolVersion: '2025-06-18' }));
    await rig.answer('init-4');
  });

  it('every key of the session is scrubbed from what the server sends', async () => {
    const old = 'uo_test_upstream_rig_old_000002';
    rig.keys = [old, RIG_KEY];
    server.hold('tools/call');
    await initialize(rig, server);
    rig.send(call(19));
    (await server.next('tools/call')).json(result(19, { text: `${old} then ${RIG_KEY} and ${RIG_KEY}` }));
    expect(await rig.answer(19)).toEqual(result(19, { text: `${REDACTED} then ${REDACTED} and ${REDACTED}` }));
  });
});
