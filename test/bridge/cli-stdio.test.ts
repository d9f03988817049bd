// The bridge as a program: flags, stdin hygiene (answered by the bridge itself, never
// forwarded), and how it ends: the agent answers what is outstanding, ends the upstream session
// (DELETE), and the bridge exits 0.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION, encodeFrame } from '../../src-shared/agent-protocol';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startTestAgent, type TestAgent, type TestAgentOptions } from '../support/test-agent';
import { INITIALIZE, bridgePath, spawnBridge, type RawBridge } from '../support/bridge-process';
import { stopAfterTest } from '../support/stop-after-test';
import { until } from '../support/until';

const KEY = 'uo_test_cli_eeeeeeeeeeee05';

let vendor: FakeVendor | undefined;
let agent: TestAgent | undefined;
let bridge: RawBridge | undefined;

function runBridge(args: string[]) {
  const r = spawnSync(process.execPath, [bridgePath(), ...args], { encoding: 'utf8', input: '', timeout: 10_000, env: { PATH: process.env.PATH ?? '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function initialized(limits?: TestAgentOptions['limits']): Promise<RawBridge> {
  vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] }));
  agent = stopAfterTest(await startTestAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: KEY } }, ...(limits ? { limits } : {}) }));
  bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
  bridge.send(INITIALIZE);
  await bridge.next((m) => m.id === 1 && !!m.result);
  bridge.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return bridge;
}

describe('command line', () => {
  it.each([
    [['--bogus'], "keybridge-bridge: Unknown option '--bogus' (see --help)\n"],
    [[], 'keybridge-bridge: --profile <name> is required (see --help)\n'],
    [['--profile', 'bad name!'], 'keybridge-bridge: --profile: A profile name uses only letters, digits, - and _. (see --help)\n'],
    [['--profile', 'ok', '--log-level', 'loud'], 'keybridge-bridge: --log-level: must be one of error, warn, info, debug (see --help)\n'],
    [['--profile', 'ok', 'stray'], expect.stringMatching(/^keybridge-bridge: .*positional.*\n$/)],
  ])('bad flags %j: one line on stderr, nothing on stdout, exit 2', (args, stderr) => {
    expect(runBridge(args)).toEqual({ code: 2, stdout: '', stderr });
  });

  it('--version and --help', () => {
    expect(runBridge(['--version'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    const help = runBridge(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--profile <name>');
    expect(help.stdout).toContain('KEYBRIDGE_AGENT_SOCKET');
  });

  it('takes the agent socket from KEYBRIDGE_AGENT_SOCKET', async () => {
    vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] }));
    agent = stopAfterTest(await startTestAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: KEY } } }));
    bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', env: { KEYBRIDGE_AGENT_SOCKET: agent.socketPath } }));
    bridge.send(INITIALIZE);
    expect((await bridge.next((m) => m.id === 1)).result).toMatchObject({ serverInfo: { name: 'fake-uptimeobserver' } });
  });
});

describe('stdin hygiene', () => {
  it('a malformed line gets -32700 with id null and the bridge carries on', async () => {
    const b = await initialized();
    b.send('{"jsonrpc":"2.0","id":2,"method":');
    expect(await b.next((m) => m.id === null)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: not JSON' } });
    b.send({ not: 'json-rpc', id: 9 });
    expect(await b.next((m) => m.id === 9)).toMatchObject({ error: { code: -32600 } });
    b.send('[]');
    expect(await b.next((m) => m.id === null && (m.error as { code?: number } | undefined)?.code === -32600)).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Invalid Request: empty batch' },
    });
    b.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: { text: 'still here' } } });
    expect((await b.next((m) => m.id === 3)).result).toMatchObject({ content: [{ text: 'still here' }] });
  });

  it('a batch is split: each request answered under its own id, invalid members by the bridge', async () => {
    const b = await initialized();
    b.send([
      { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'echo', arguments: { text: 'first' } } },
      { jsonrpc: '2.0', id: 'b', method: 42 },
      { jsonrpc: '2.0', id: 'c', method: 'ping' },
    ]);
    expect((await b.next((m) => m.id === 'a')).result).toMatchObject({ content: [{ text: 'first' }] });
    expect(await b.next((m) => m.id === 'b')).toMatchObject({ error: { code: -32600 } });
    expect(await b.next((m) => m.id === 'c')).toEqual({ jsonrpc: '2.0', id: 'c', result: {} });
    // The invalid member never went upstream.
    expect(vendor!.requests.flatMap((r) => r.rpcIds)).not.toContain('b');
  });

  it('a line that is not JSON-RPC is answered by the bridge and never reaches the agent', async () => {
    const b = await initialized();
    const mark = vendor!.requests.length;
    for (const line of ['not json', '{"jsonrpc":"1.0","id":5,"method":"ping"}', '{"jsonrpc":"2.0","id":6,"method":"ping","params":[1]}', '{"jsonrpc":"2.0","id":7.5,"method":"ping"}']) {
      b.send(line);
    }
    b.send({ jsonrpc: '2.0', id: 8, method: 'ping' });
    await b.next((m) => m.id === 8);
    const errors = b.lines.map((l) => JSON.parse(l) as { id: unknown; error?: { code: number } }).filter((m) => m.error);
    // Answered under their own ids: an MCP request's params are an object, its id a string or an integer.
    expect(errors.map((m) => [m.id, m.error!.code])).toEqual([
      [null, -32700],
      [5, -32600],
      [6, -32600],
      [7.5, -32600],
    ]);
    expect(vendor!.requests.slice(mark).flatMap((r) => r.rpcIds)).toEqual([8]);
  });

  it('an over-long line is refused (-32700) without buffering it, then the bridge carries on', async () => {
    const b = await initialized();
    b.send(`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"pad":"${'y'.repeat(33 * 1024 * 1024)}"}}`);
    expect(await b.next((m) => m.id === null, 20_000)).toMatchObject({ error: { code: -32700, message: expect.stringMatching(/longer than/) } });
    b.send({ jsonrpc: '2.0', id: 5, method: 'ping' });
    expect(await b.next((m) => m.id === 5)).toEqual({ jsonrpc: '2.0', id: 5, result: {} });
  });

  it('stdout carries only protocol frames', async () => {
    const b = await initialized();
    b.send({ jsonrpc: '2.0', id: 6, method: 'tools/list' });
    await b.next((m) => m.id === 6);
    for (const line of b.lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(b.stderr()).toContain('keybridge-bridge');
  });
});

describe('ending', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s: DELETE the upstream session, exit 0', async (signal) => {
    const b = await initialized();
    b.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    await b.next((m) => m.id === 2);
    const [sessionId] = vendor!.sessionIds;
    b.child.kill(signal);
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(vendor!.requests.filter((r) => r.method === 'DELETE')).toEqual([expect.objectContaining({ sessionId, xApiKey: KEY, status: 200 })]);
    expect(vendor!.sessionIds).toEqual([]);
  });

  it('stdin EOF: DELETE the upstream session, exit 0', async () => {
    const b = await initialized();
    b.child.stdin.end();
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(vendor!.requests.some((r) => r.method === 'DELETE')).toBe(true);
    expect(agent!.agent.connectionCount()).toBe(0);
  });

  it('stdin EOF right after a request: the answer still arrives, then DELETE and exit 0', async () => {
    const b = await initialized();
    b.send({ jsonrpc: '2.0', id: 'last', method: 'tools/call', params: { name: 'slow', arguments: { steps: 3, intervalMs: 100 } } });
    b.child.stdin.end();
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(b.lines.map((l) => JSON.parse(l) as { id?: unknown; result?: unknown }).find((m) => m.id === 'last')).toMatchObject({ result: { content: [{ text: 'done 3' }] } });
    expect(vendor!.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 200 });
  });

  it('stdin EOF with a request the server does not answer in time: an error for it, then exit 0', async () => {
    const b = await initialized({ drainMs: 300 });
    b.send({ jsonrpc: '2.0', id: 'stuck', method: 'tools/call', params: { name: 'slow', arguments: { steps: 1, intervalMs: 20_000 } } });
    await until(() => vendor!.requests.some((r) => r.rpcIds.includes('stuck')), 'the request upstream');
    const started = Date.now();
    b.child.stdin.end();
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
    const answer = b.lines.map((l) => JSON.parse(l) as { id?: unknown; error?: unknown }).find((m) => m.id === 'stuck');
    expect(answer).toMatchObject({ error: { code: -32000, message: expect.stringContaining('before the assistant closed the connection') } });
    expect(vendor!.requests.some((r) => r.method === 'DELETE')).toBe(true);
  });

  it('stdin EOF with an agent that never closes: the bridge answers what is outstanding itself and exits 0 (8 s bound)', async () => {
    // A stand-in agent that says ready, then neither answers nor closes.
    const dir = await mkdtemp(join(tmpdir(), 'kb-mute-'));
    const sockets: Socket[] = [];
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      sockets.push(socket);
      socket.once('data', () => socket.write(encodeFrame({ type: 'ready', v: PROTOCOL_VERSION, profile: 'mcp-claude' })));
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'agent.sock'), resolve));
    stopAfterTest({ close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => void rm(dir, { recursive: true, force: true }).then(resolve)))) });
    bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: join(dir, 'agent.sock') }));
    bridge.send(INITIALIZE);
    await until(() => bridge!.stderr().includes("ready for 'mcp-claude'"), 'ready');
    const started = Date.now();
    bridge.child.stdin.end();
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(9500);
    expect(JSON.parse(bridge.lines[0]!)).toMatchObject({ id: 1, error: { code: -32001, message: 'No answer before the assistant closed the connection.' } });
  }, 15_000);

  it('EOF before any session: exit 0 at once', async () => {
    agent = stopAfterTest(await startTestAgent({ profiles: {} }));
    bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
    bridge.child.stdin.end();
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
  });

  it('EOF with no agent at all: a waiting initialize is answered, exit 0', async () => {
    bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: '/nonexistent/keybridge/agent.sock' }));
    bridge.send(INITIALIZE);
    bridge.child.stdin.end();
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
    expect(JSON.parse(bridge.lines[0]!)).toMatchObject({ id: 1, error: { code: -32001 } });
  });
});
