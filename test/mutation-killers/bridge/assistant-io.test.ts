// The bridge's stdio halves and what it remembers, in process (the bridge's process tests run
// dist/bridge.js, which Stryker's mutants never reach): src-bridge/assistant-output.ts,
// assistant-input.ts, session-setup.ts, cli.ts. Real streams; the output's bytes compared whole.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AGENT_SOCKET_ENV } from '../../../src-shared/agent-socket-path';
import { INVALID_REQUEST, PARSE_ERROR } from '../../../src-shared/jsonrpc-errors';
import { asJsonRpc, readAssistant, MAX_STDIN_LINE, type JsonRpcMessage } from '../../../src-bridge/assistant-input';
import { AssistantOutput } from '../../../src-bridge/assistant-output';
import { HELP, parseCli } from '../../../src-bridge/cli';
import { SessionSetup } from '../../../src-shared/session-setup';

/** An output over a stream that keeps every write, and the ids it reported. */
function output() {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      writes.push(chunk.toString('utf8'));
      done();
    },
  });
  const answered: string[] = [];
  const out = new AssistantOutput(stream, (id) => answered.push(id));
  return { out, writes, answered, text: () => writes.join('') };
}
const b = (text: string) => Buffer.from(text, 'utf8');

describe('assistant output', () => {
  it('passes the agent bytes through unchanged and reports the id of each response line once it ends', () => {
    const o = output();
    o.out.fromAgent(b('{"jsonrpc":"2.0","id":7,"result":{}}\n{"jsonrpc":"2.0","id":"a\\"b","error":{"code":1,"message":"x"}}\n'));
    expect(o.text()).toBe('{"jsonrpc":"2.0","id":7,"result":{}}\n{"jsonrpc":"2.0","id":"a\\"b","error":{"code":1,"message":"x"}}\n');
    expect(o.answered).toEqual(['7', '"a\\"b"']);
  });

  it('notifications and requests from the server answer nothing; a line that is not an object is not read', () => {
    const o = output();
    o.out.fromAgent(b('{"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n{"jsonrpc":"2.0","id":3,"method":"ping"}\n[1]\n'));
    expect(o.answered).toEqual([]);
    o.out.fromAgent(b(' {"jsonrpc":"2.0","id":4,"result":{}}\n'));
    expect(o.answered).toEqual([]);
  });

  it('a response split across chunks is reported only when its line ends; a line cut off by the agent never', () => {
    const o = output();
    o.out.fromAgent(b('{"jsonrpc":"2.0",'));
    o.out.fromAgent(b('"id":12,"res'));
    expect(o.answered).toEqual([]);
    o.out.fromAgent(b('ult":{"big":true}}'));
    expect(o.answered).toEqual([]);
    o.out.fromAgent(b('\n{"jsonrpc":"2.0","id":13,"result":'));
    expect(o.answered).toEqual(['12']);
    // The agent goes away mid-line: the line is ended so the next one starts clean, and 13 is still owed.
    o.out.agentLost();
    expect(o.text().endsWith('"result":\n')).toBe(true);
    expect(o.answered).toEqual(['12']);
    o.out.fromAgent(b('{"jsonrpc":"2.0","id":14,"result":{}}\n'));
    expect(o.answered).toEqual(['12', '14']);
  });

  it("the relay's whitespace padding after the brace is skipped, in the same chunk or across chunks", () => {
    const o = output();
    const pad = ' \t\r '.repeat(100);
    o.out.fromAgent(b(`{${pad}"jsonrpc":"2.0","id":21,"result":{}}\n`));
    o.out.fromAgent(b('{'));
    o.out.fromAgent(b(pad));
    o.out.fromAgent(b(`${pad}"jsonrpc":"2.0","id":22,"result":{}}\n`));
    expect(o.answered).toEqual(['21', '22']);
    expect(o.text()).toBe(`{${pad}"jsonrpc":"2.0","id":21,"result":{}}\n{${pad}${pad}"jsonrpc":"2.0","id":22,"result":{}}\n`);
  });

  it('reads a long string id within the head, and judges a line by its head before it ends', () => {
    const o = output();
    const longId = 'x'.repeat(280);
    o.out.fromAgent(b(`{"jsonrpc":"2.0","id":"${longId}","result":{"text":"${'y'.repeat(5000)}`));
    o.out.fromAgent(b('"}}\n'));
    expect(o.answered).toEqual([JSON.stringify(longId)]);
    // An id too long for the head is not mistaken for anything.
    const tooLong = 'z'.repeat(400);
    o.out.fromAgent(b(`{"jsonrpc":"2.0","id":"${tooLong}","result":{}}\n`));
    expect(o.answered).toEqual([JSON.stringify(longId)]);
  });

  it("the bridge's own messages wait for the agent's current line to end, then go out in order", () => {
    const o = output();
    o.out.write({ jsonrpc: '2.0', id: 1, error: { code: -1, message: 'first' } });
    expect(o.writes).toEqual(['{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"first"}}\n']);
    o.out.fromAgent(b('{"jsonrpc":"2.0","id":2,'));
    o.out.write({ own: 'a' });
    o.out.write({ own: 'b' });
    expect(o.text()).toBe('{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"first"}}\n{"jsonrpc":"2.0","id":2,');
    o.out.fromAgent(b('"result":{}}\n{"jsonrpc":"2.0"'));
    // The next line started in the same chunk: still mid-line.
    expect(o.text()).toBe('{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"first"}}\n{"jsonrpc":"2.0","id":2,"result":{}}\n{"jsonrpc":"2.0"');
    o.out.fromAgent(b(',"method":"x"}\n'));
    expect(o.text()).toBe(
      '{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"first"}}\n{"jsonrpc":"2.0","id":2,"result":{}}\n{"jsonrpc":"2.0","method":"x"}\n{"own":"a"}\n{"own":"b"}\n',
    );
    expect(o.answered).toEqual(['2']);
  });

  it('only a line that begins with `{` is read as a response; its head ends at its newline', () => {
    const o = output();
    o.out.fromAgent(b('x"jsonrpc":"2.0","id":5,"result":{}}\n'));
    // A line that is only `{`, with a response-like line (no object) behind it in the same chunk.
    o.out.fromAgent(b('{\n"jsonrpc":"2.0","id":6,"result":{}}\n'));
    expect(o.answered).toEqual([]);
    o.out.fromAgent(b('{"jsonrpc":"2.0","id":7,"result":{}}\n'));
    expect(o.answered).toEqual(['7']);
  });

  it('only padding right after the brace is skipped; the head holds at most 320 characters across chunks', () => {
    const o = output();
    o.out.fromAgent(b('{"jsonrpc":"2.0",'));
    o.out.fromAgent(b('  "id":8,"result":{}}\n'));
    expect(o.answered).toEqual([]);
    const line = `{"jsonrpc":"2.0","id":"${'q'.repeat(350)}","result":{}}\n`;
    o.out.fromAgent(b(line.slice(0, 100)));
    o.out.fromAgent(b(line.slice(100)));
    expect(o.answered).toEqual([]);
  });

  it('agent lost between lines writes nothing of its own but flushes what waited', () => {
    const o = output();
    o.out.fromAgent(b('{"jsonrpc":"2.0","id":5,"result":{}}\n'));
    o.out.agentLost();
    expect(o.text()).toBe('{"jsonrpc":"2.0","id":5,"result":{}}\n');
    o.out.fromAgent(b('{"jsonrpc"'));
    o.out.write({ own: 1 });
    o.out.agentLost();
    expect(o.text()).toBe('{"jsonrpc":"2.0","id":5,"result":{}}\n{"jsonrpc"\n{"own":1}\n');
    // After the loss, a line whose head was half read before is read from scratch.
    o.out.fromAgent(b('{"jsonrpc":"2.0","id":6,"result":{}}\n'));
    expect(o.answered).toEqual(['5', '6']);
  });
});

describe('asJsonRpc: the shapes MCP accepts', () => {
  const ok = (value: unknown) => expect(asJsonRpc(value)).toBe(value);
  const bad = (value: unknown) => expect(asJsonRpc(value)).toBeNull();

  it('requests, notifications, results and errors', () => {
    ok({ jsonrpc: '2.0', id: 1, method: 'ping' });
    ok({ jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'x', _meta: { progressToken: 'p' } } });
    ok({ jsonrpc: '2.0', id: 2, method: 'x', params: { _meta: { progressToken: 3, 'io.modelcontextprotocol/related-task': { taskId: 't' } } } });
    ok({ jsonrpc: '2.0', method: 'notifications/initialized' });
    ok({ jsonrpc: '2.0', method: 'n', params: {} });
    ok({ jsonrpc: '2.0', id: 3, result: {} });
    ok({ jsonrpc: '2.0', id: 3, result: { _meta: { progressToken: 1 } } });
    ok({ jsonrpc: '2.0', id: 4, error: { code: -1, message: 'm' } });
    ok({ jsonrpc: '2.0', error: { code: -1, message: 'm', data: {} } });
  });

  it('refuses everything else', () => {
    for (const value of [null, [], 'x', 1, { jsonrpc: '1.0', id: 1, method: 'm' }, { id: 1, method: 'm' }, { jsonrpc: '2.0' }]) bad(value);
    bad({ jsonrpc: '2.0', id: 1, method: 5 });
    bad({ jsonrpc: '2.0', id: 1.5, method: 'm' });
    bad({ jsonrpc: '2.0', id: null, method: 'm' });
    bad({ jsonrpc: '2.0', id: true, method: 'm' });
    bad({ jsonrpc: '2.0', id: 1, method: 'm', extra: 1 });
    bad({ jsonrpc: '2.0', method: 'm', id: undefined, extra: 1 });
    bad({ jsonrpc: '2.0', method: 'm', extra: 1 });
    bad({ jsonrpc: '2.0', id: 1, method: 'm', params: [] });
    bad({ jsonrpc: '2.0', id: 1, method: 'm', params: null });
    bad({ jsonrpc: '2.0', id: 1, method: 'm', params: 'x' });
    bad({ jsonrpc: '2.0', id: 1, method: 'm', params: { _meta: 'x' } });
    bad({ jsonrpc: '2.0', id: 1, method: 'm', params: { _meta: null } });
    bad({ jsonrpc: '2.0', id: 1, method: 'm', params: { _meta: { progressToken: 1.5 } } });
    bad({ jsonrpc: '2.0', id: 1, method: 'm', params: { _meta: { progressToken: null } } });
    bad({ jsonrpc: '2.0', id: 1, method: 'm', params: { _meta: { 'io.modelcontextprotocol/related-task': 'x' } } });
    bad({ jsonrpc: '2.0', id: 1, method: 'm', params: { _meta: { 'io.modelcontextprotocol/related-task': { taskId: 1 } } } });
    bad({ jsonrpc: '2.0', method: 'm', params: { _meta: [] } });
    bad({ jsonrpc: '2.0', result: {} });
    bad({ jsonrpc: '2.0', id: 1, result: [] });
    bad({ jsonrpc: '2.0', id: 1, result: 'x' });
    bad({ jsonrpc: '2.0', id: 1, result: { _meta: 'x' } });
    bad({ jsonrpc: '2.0', id: 1, result: {}, extra: 1 });
    bad({ jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'm' } });
    bad({ jsonrpc: '2.0', id: 1, error: { code: 1 } });
    bad({ jsonrpc: '2.0', id: 1, error: 'x' });
    bad({ jsonrpc: '2.0', id: null, error: { code: 1, message: 'm' } });
    bad({ jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm' }, extra: 1 });
  });
});

describe('reading the assistant', () => {
  function read(maxLine?: number) {
    const input = new PassThrough();
    const messages: [JsonRpcMessage, string][] = [];
    const invalid: unknown[] = [];
    let ended = 0;
    readAssistant(input, { message: (m, line) => messages.push([m, line]), invalid: (r) => invalid.push(r), end: () => ended++ }, maxLine);
    return { input, messages, invalid, ended: () => ended };
  }
  const settle = () => new Promise((r) => setImmediate(r));

  it('one message per line with its own text; a batch split into messages; blank lines skipped', async () => {
    const r = read();
    const one = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    r.input.write(`${one}\n   \n[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","id":2,"method":"b"}]\n`);
    await settle();
    expect(r.messages).toEqual([
      [{ jsonrpc: '2.0', id: 1, method: 'ping' }, one],
      [{ jsonrpc: '2.0', method: 'a' }, '{"jsonrpc":"2.0","method":"a"}'],
      [{ jsonrpc: '2.0', id: 2, method: 'b' }, '{"jsonrpc":"2.0","id":2,"method":"b"}'],
    ]);
    expect(r.invalid).toEqual([]);
  });

  it('answers what is not JSON-RPC, under its own id when it has one', async () => {
    const r = read();
    r.input.write('not json\n[]\n{"jsonrpc":"2.0","id":"q","method":7}\n{"id":8.5}\n[{"jsonrpc":"2.0","id":9}]\n"str"\n{"jsonrpc":"2.0","id":7,"method":"m","x":1}\n');
    await settle();
    expect(r.messages).toEqual([]);
    expect(r.invalid).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message: 'Parse error: not JSON' } },
      { jsonrpc: '2.0', id: null, error: { code: INVALID_REQUEST, message: 'Invalid Request: empty batch' } },
      { jsonrpc: '2.0', id: 'q', error: { code: INVALID_REQUEST, message: 'Invalid JSON-RPC message' } },
      { jsonrpc: '2.0', id: 8.5, error: { code: INVALID_REQUEST, message: 'Invalid JSON-RPC message' } },
      { jsonrpc: '2.0', id: 9, error: { code: INVALID_REQUEST, message: 'Invalid JSON-RPC message' } },
      { jsonrpc: '2.0', id: null, error: { code: INVALID_REQUEST, message: 'Invalid JSON-RPC message' } },
      { jsonrpc: '2.0', id: 7, error: { code: INVALID_REQUEST, message: 'Invalid JSON-RPC message' } },
    ]);
    const r2 = read();
    r2.input.write('{"jsonrpc":"2.0","id":{},"method":"m"}\n{"jsonrpc":"2.0","id":1e400,"method":"m"}\n');
    await settle();
    expect(r2.invalid.map((i) => (i as { id: unknown }).id)).toEqual([null, null]);
  });

  it('a line longer than the limit is answered -32700 and not forwarded; the default limit is 32 MiB', async () => {
    expect(MAX_STDIN_LINE).toBe(32 * 1024 * 1024);
    const r = read(64);
    r.input.write(`{"jsonrpc":"2.0","id":1,"method":"${'m'.repeat(100)}"}\n{"jsonrpc":"2.0","id":2,"method":"ok"}\n`);
    await settle();
    expect(r.invalid).toEqual([{ jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message: 'Parse error: message longer than 64 characters' } }]);
    expect(r.messages.map(([m]) => m)).toEqual([{ jsonrpc: '2.0', id: 2, method: 'ok' }]);
  });

  it('at the end of input, a last line without a newline is still read, then end is told once', async () => {
    const r = read();
    r.input.write('{"jsonrpc":"2.0","id":1,"method":"a"}\n{"jsonrpc":"2.0","id":2,');
    r.input.end('"method":"last"}');
    await new Promise((resolve) => r.input.once('end', resolve));
    await settle();
    expect(r.messages.map(([m]) => m.id)).toEqual([1, 2]);
    expect(r.ended()).toBe(1);
    const blank = read();
    blank.input.end('  ');
    await new Promise((resolve) => blank.input.once('end', resolve));
    await settle();
    expect(blank.messages).toEqual([]);
    expect(blank.invalid).toEqual([]);
    expect(blank.ended()).toBe(1);
  });
});

describe('session setup (what a resumed session replays)', () => {
  const note = (s: SessionSetup, message: Record<string, unknown>) => s.note(message);
  const init = (name?: unknown) => ({ jsonrpc: '2.0' as const, id: 0, method: 'initialize', params: { clientInfo: name === undefined ? {} : { name } } });

  it('nothing before initialize; then initialize, initialized, the log level and the current subscriptions', () => {
    const s = new SessionSetup();
    note(s, { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(s.resumeState()).toBeNull();
    expect(s.clientName).toBeNull();
    note(s, { jsonrpc: '2.0', method: 'initialize' });
    expect(s.resumeState()).toBeNull();
    note(s, init('Claude'));
    expect(s.clientName).toBe('Claude');
    expect(s.resumeState()).toEqual({ initialize: init('Claude'), initialized: false, logLevel: null, subscriptions: [] });
    note(s, { jsonrpc: '2.0', method: 'notifications/initialized' });
    note(s, { jsonrpc: '2.0', id: 4, method: 'logging/setLevel', params: { level: 'info' } });
    // Without an id it is no request: it does not replace the one the server answered.
    note(s, { jsonrpc: '2.0', method: 'logging/setLevel', params: { level: 'debug' } });
    note(s, { jsonrpc: '2.0', id: 5, method: 'resources/subscribe', params: { uri: 'a://1' } });
    note(s, { jsonrpc: '2.0', id: 6, method: 'resources/subscribe', params: { uri: 'a://2' } });
    note(s, { jsonrpc: '2.0', id: 7, method: 'resources/subscribe', params: { uri: 3 } });
    note(s, { jsonrpc: '2.0', id: 8, method: 'resources/unsubscribe', params: { uri: 'a://1' } });
    note(s, { jsonrpc: '2.0', id: 9, result: {} });
    note(s, { jsonrpc: '2.0', id: 10, method: 'tools/list' });
    expect(s.resumeState()).toEqual({
      initialize: init('Claude'),
      initialized: true,
      logLevel: { jsonrpc: '2.0', id: 4, method: 'logging/setLevel', params: { level: 'info' } },
      subscriptions: ['a://2'],
    });
    // A new initialize starts over: not initialized until the assistant says so again.
    note(s, init(42));
    expect(s.clientName).toBe('Claude');
    expect(s.resumeState()?.initialized).toBe(false);
  });

  it('before anything: not initialized; an initialize or a subscription without params is read without harm', () => {
    const s = new SessionSetup();
    expect(s.initialized).toBe(false);
    expect(s.initialize).toBeNull();
    note(s, { jsonrpc: '2.0', id: 1, method: 'resources/subscribe' });
    note(s, { jsonrpc: '2.0', id: 2, method: 7 });
    note(s, { jsonrpc: '2.0', id: 3, method: 'initialize' });
    expect(s.clientName).toBeNull();
    expect(s.resumeState()).toEqual({ initialize: { jsonrpc: '2.0', id: 3, method: 'initialize' }, initialized: false, logLevel: null, subscriptions: [] });
  });

  it('keeps at most 200 characters of the name and 1000 subscriptions', () => {
    const s = new SessionSetup();
    note(s, init('n'.repeat(300)));
    expect(s.clientName).toBe('n'.repeat(200));
    for (let i = 0; i < 1005; i++) note(s, { jsonrpc: '2.0', id: i, method: 'resources/subscribe', params: { uri: `u://${i}` } });
    const subs = s.resumeState()!.subscriptions;
    expect(subs).toHaveLength(1000);
    expect(subs[0]).toBe('u://0');
    expect(subs.at(-1)).toBe('u://999');
  });
});

describe('the bridge command line', () => {
  it('runs with a profile; the socket from --agent, else the environment (trimmed), else the default', () => {
    expect(parseCli(['--profile', 'work'], {})).toEqual({ kind: 'run', options: { profile: 'work', agentSocket: null, logLevel: 'warn' } });
    expect(parseCli(['--no-sandbox', '--profile', 'work', '--log-level', 'debug'], { [AGENT_SOCKET_ENV]: '  /tmp/a.sock ' })).toEqual({
      kind: 'run',
      options: { profile: 'work', agentSocket: '/tmp/a.sock', logLevel: 'debug' },
    });
    expect(parseCli(['--profile', 'work', '--agent', '/x.sock'], { [AGENT_SOCKET_ENV]: '/y.sock' })).toMatchObject({ options: { agentSocket: '/x.sock' } });
  });

  it('help and version win; errors name the flag', () => {
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCli(['--version', '--profile', 'x'], {})).toEqual({ kind: 'version' });
    expect(parseCli(['--help', '--version'], {})).toEqual({ kind: 'help' });
    expect(parseCli([], {})).toEqual({ kind: 'error', message: '--profile <name> is required' });
    expect(parseCli(['--profile', 'x', '--log-level', 'loud'], {})).toEqual({ kind: 'error', message: '--log-level: must be one of error, warn, info, debug' });
    expect(parseCli(['--profile', 'x', '--agent', '  '], {})).toEqual({ kind: 'error', message: '--agent: needs a socket path' });
    expect(parseCli(['--profile', 'a b'], {})).toEqual({ kind: 'error', message: '--profile: A profile name uses only letters, digits, - and _.' });
    const unknown = parseCli(['--profile', 'x', '--what'], {});
    expect(unknown.kind).toBe('error');
    expect((unknown as { message: string }).message).toMatch(/^Unknown option '--what'/);
    expect((unknown as { message: string }).message).not.toContain('\n');
    expect(parseCli(['--profile', 'x', 'extra'], {})).toMatchObject({ kind: 'error' });
    expect(HELP).toContain('--profile <name>');
    expect(HELP).toContain(AGENT_SOCKET_ENV);
  });
});
