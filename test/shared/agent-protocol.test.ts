// Agent protocol v2 frames (docs/agent-protocol.md): the schemas both sides parse with, the
// version check that comes before anything else, and the response heads a bridge reads.
import { describe, expect, it } from 'vitest';
import {
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  decodeAgentFrame,
  decodeBridgeFrame,
  encodeFrame,
  helloVersion,
  responseIdOf,
  responseLine,
  type HelloFrame,
} from '../../src-shared/agent-protocol';

const INITIALIZE = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'Claude', version: '1' } } } as const;

describe('agent protocol v2 frames', () => {
  it('is version 2, with the documented limits', () => {
    expect(PROTOCOL_VERSION).toBe(2);
    expect(MAX_FRAME_BYTES).toBe(64 * 1024);
  });

  it('round-trips the documented hello, ready and error frames', () => {
    const hello: HelloFrame = { type: 'hello', v: 2, profile: 'uptime', bridge: { version: '0.2.0' }, client: { name: 'claude-ai' } };
    const line = encodeFrame(hello);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(decodeBridgeFrame(line.trimEnd())).toEqual({ kind: 'frame', frame: hello });

    const full: HelloFrame = {
      ...hello,
      token: 'a'.repeat(48),
      resume: { initialize: INITIALIZE, initialized: true, logLevel: { jsonrpc: '2.0', id: 3, method: 'logging/setLevel', params: { level: 'debug' } }, subscriptions: ['file:///a'] },
    };
    expect(decodeBridgeFrame(encodeFrame(full).trimEnd())).toEqual({ kind: 'frame', frame: full });

    const ready = { type: 'ready', v: 2, profile: 'uptime' } as const;
    expect(decodeAgentFrame(encodeFrame(ready).trimEnd())).toEqual({ kind: 'frame', frame: ready });
    for (const code of ['unknown-profile', 'locked', 'denied', 'bad-request', 'unsupported-version'] as const) {
      const error = { type: 'error', code, message: 'why' } as const;
      expect(decodeAgentFrame(encodeFrame(error).trimEnd())).toEqual({ kind: 'frame', frame: error });
    }
  });

  it('ignores unknown fields and unknown types; each side knows only the frames it receives', () => {
    const decoded = decodeBridgeFrame(JSON.stringify({ type: 'hello', v: 2, profile: 'p', bridge: { version: '1', pid: 4 }, extra: true }));
    expect(decoded).toEqual({ kind: 'frame', frame: { type: 'hello', v: 2, profile: 'p', bridge: { version: '1' } } });
    expect(decodeBridgeFrame('{"type":"future-thing","x":1}')).toEqual({ kind: 'ignored' });
    // A bridge never receives a hello; the agent never receives ready.
    expect(decodeAgentFrame('{"type":"hello","v":2,"profile":"p","bridge":{"version":"1"}}')).toEqual({ kind: 'ignored' });
    expect(decodeBridgeFrame('{"type":"ready","v":2,"profile":"p"}')).toEqual({ kind: 'ignored' });
    // v1's frames are gone: there is no frame that could carry a key.
    for (const type of ['credentials', 'revoked', 'status']) {
      expect(decodeAgentFrame(JSON.stringify({ type, profile: 'p', key: 'uo_test_1234567890' }))).toEqual({ kind: 'ignored' });
      expect(decodeBridgeFrame(JSON.stringify({ type, profile: 'p' }))).toEqual({ kind: 'ignored' });
    }
    expect(decodeAgentFrame('{"type":"__proto__"}')).toEqual({ kind: 'ignored' });
    expect(decodeAgentFrame('{"type":"toString"}')).toEqual({ kind: 'ignored' });
  });

  it('reports malformed lines with a reason', () => {
    expect(decodeBridgeFrame('not json')).toMatchObject({ kind: 'malformed', reason: 'not JSON' });
    expect(decodeBridgeFrame('[1]')).toMatchObject({ kind: 'malformed', reason: 'not a JSON object' });
    expect(decodeBridgeFrame('null')).toMatchObject({ kind: 'malformed', reason: 'not a JSON object' });
    expect(decodeBridgeFrame('{"v":2}')).toMatchObject({ kind: 'malformed', reason: 'no "type"' });
    expect(decodeBridgeFrame('{"type":"hello","v":2,"profile":"bad name!","bridge":{"version":"1"}}')).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('profile') });
    expect(decodeBridgeFrame(`{"type":"hello","v":2,"profile":"${'p'.repeat(65)}","bridge":{"version":"1"}}`)).toMatchObject({ kind: 'malformed' });
    expect(decodeBridgeFrame('{"type":"hello","v":2,"profile":"p"}')).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('bridge') });
    expect(decodeBridgeFrame('{"type":"hello","v":2,"profile":"p","bridge":{"version":"1"},"token":"short"}')).toMatchObject({ kind: 'malformed' });
    expect(decodeBridgeFrame(`{"type":"hello","v":2,"profile":"p","bridge":{"version":"1"},"client":{"name":"${'n'.repeat(201)}"}}`)).toMatchObject({ kind: 'malformed' });
    expect(decodeBridgeFrame('{"type":"hello","v":2.5,"profile":"p","bridge":{"version":"1"}}')).toMatchObject({ kind: 'malformed' });
    expect(decodeAgentFrame('{"type":"error","code":"no-such-code","message":"x"}')).toMatchObject({ kind: 'malformed' });
    expect(decodeAgentFrame('{"type":"ready","profile":"p"}')).toMatchObject({ kind: 'malformed' });
  });

  it('helloVersion reads the version of any hello, also one the schema refuses, and nothing else', () => {
    expect(helloVersion('{"type":"hello","v":1,"profile":"p","client":{"name":"Claude","pid":1},"bridge":{"version":"0.1.0","pid":2}}')).toBe(1);
    expect(helloVersion('{"type":"hello","v":2}')).toBe(2);
    expect(helloVersion('{"type":"hello","v":3,"whatever":true}')).toBe(3);
    expect(helloVersion('{"type":"hello","v":"2"}')).toBeNull();
    expect(helloVersion('{"type":"hello"}')).toBeNull();
    expect(helloVersion('{"type":"ready","v":2}')).toBeNull();
    expect(helloVersion('not json')).toBeNull();
    expect(helloVersion('null')).toBeNull();
    expect(helloVersion('[{"type":"hello","v":1}]')).toBeNull();
  });
});

describe('response heads', () => {
  it('responseLine writes `{"jsonrpc":"2.0","id":<id>,"result":` or `"error":` first, and parses back', () => {
    expect(responseLine(7, { result: { ok: true } })).toBe('{"jsonrpc":"2.0","id":7,"result":{"ok":true}}');
    expect(responseLine('a"b', { error: { code: -32000, message: 'x' } })).toBe('{"jsonrpc":"2.0","id":"a\\"b","error":{"code":-32000,"message":"x"}}');
    expect(JSON.parse(responseLine('x', { result: undefined }))).toEqual({ jsonrpc: '2.0', id: 'x', result: null });
    expect(JSON.parse(responseLine(-1, { result: [1, 'two'] }))).toEqual({ jsonrpc: '2.0', id: -1, result: [1, 'two'] });
  });

  it('responseIdOf answers the id as JSON text, from the head alone, past padding', () => {
    expect(responseIdOf(responseLine(7, { result: {} }))).toBe('7');
    expect(responseIdOf(responseLine(-12, { result: {} }))).toBe('-12');
    expect(responseIdOf(responseLine('a"b\\c', { error: {} }))).toBe(JSON.stringify('a"b\\c'));
    // Only the head is needed: a 10 MB result is not read.
    expect(responseIdOf('{"jsonrpc":"2.0","id":"req-1","result":{"content":[{"type":"text","text":"xxxx')).toBe('"req-1"');
    // The relay's progress padding: JSON whitespace after the brace.
    expect(responseIdOf(`{${' '.repeat(70_000)}"jsonrpc":"2.0","id":3,"result":`)).toBe('3');
    expect(responseIdOf('{ \n\t\r"jsonrpc":"2.0","id":3,"error":')).toBe('3');
  });

  it('responseIdOf is null for anything that does not begin as a response', () => {
    expect(responseIdOf('{"jsonrpc":"2.0","method":"notifications/progress","params":{"id":1}}')).toBeNull();
    expect(responseIdOf('{"jsonrpc":"2.0","id":1,"method":"sampling/createMessage"}')).toBeNull();
    expect(responseIdOf('{"id":1,"jsonrpc":"2.0","result":{}}')).toBeNull();
    expect(responseIdOf('{"jsonrpc":"2.0","id":null,"error":{}}')).toBeNull();
    expect(responseIdOf('{"jsonrpc":"2.0","id":1.5,"result":{}}')).toBeNull();
    expect(responseIdOf(' {"jsonrpc":"2.0","id":1,"result":{}}')).toBeNull();
    expect(responseIdOf('[{"jsonrpc":"2.0","id":1,"result":{}}]')).toBeNull();
    expect(responseIdOf('')).toBeNull();
    expect(responseIdOf('{')).toBeNull();
  });
});
