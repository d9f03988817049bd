import { describe, expect, it } from 'vitest';
import { decodeAgentFrame, decodeBridgeFrame, encodeFrame } from '../../src-shared/agent-protocol';

describe('agent protocol v1 frames', () => {
  it('round-trips the documented examples', () => {
    const hello = { type: 'hello', v: 1, profile: 'mcp-claude', client: { name: 'Claude', pid: 4242 }, bridge: { version: '0.1.0', pid: 4243 } } as const;
    const line = encodeFrame(hello);
    expect(line.endsWith('\n')).toBe(true);
    expect(decodeBridgeFrame(line.trimEnd())).toEqual({ kind: 'frame', frame: hello });

    const creds = {
      type: 'credentials',
      profile: 'mcp-claude',
      endpoint: 'https://mcp.uptimeobserver.com/mcp',
      auth: 'x-api-key',
      key: 'uo_test_1234567890',
      keyId: 'sha256:1a2b3c4d',
      network: { proxy: 'http://proxy:3128', noProxy: 'localhost,.corp' },
    } as const;
    expect(decodeAgentFrame(JSON.stringify(creds))).toEqual({ kind: 'frame', frame: creds });
  });

  it('ignores unknown fields and unknown types', () => {
    const status = { type: 'status', profile: 'p', upstream: 'ok', requests: 1, errors: 0, lastError: null, extra: true };
    const decoded = decodeBridgeFrame(JSON.stringify(status));
    expect(decoded.kind).toBe('frame');
    expect(decodeBridgeFrame('{"type":"future-thing","x":1}')).toEqual({ kind: 'ignored' });
    expect(decodeAgentFrame('{"type":"hello"}')).toEqual({ kind: 'ignored' });
  });

  it('reports malformed lines with a reason', () => {
    expect(decodeBridgeFrame('not json')).toMatchObject({ kind: 'malformed', reason: 'not JSON' });
    expect(decodeBridgeFrame('[1]')).toMatchObject({ kind: 'malformed' });
    expect(decodeBridgeFrame('{"v":1}')).toMatchObject({ kind: 'malformed', reason: 'no "type"' });
    expect(decodeBridgeFrame('{"type":"hello","v":1,"profile":"bad name!"}')).toMatchObject({ kind: 'malformed' });
    expect(decodeAgentFrame('{"type":"__proto__"}')).toEqual({ kind: 'ignored' });
  });
});
