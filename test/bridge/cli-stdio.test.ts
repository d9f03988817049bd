// The bridge as a program: flags, stdin hygiene, and how it ends (DELETE upstream, exit 0).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startFakeAgent, type FakeAgent } from '../support/fake-agent';
import { INITIALIZE, bridgePath, spawnBridge, type RawBridge } from '../support/bridge-process';
import { stopAfterTest } from '../support/stop-after-test';

const KEY = 'uo_test_cli_eeeeeeeeeeee05';

let vendor: FakeVendor | undefined;
let agent: FakeAgent | undefined;
let bridge: RawBridge | undefined;

function runBridge(args: string[]) {
  const r = spawnSync(process.execPath, [bridgePath(), ...args], { encoding: 'utf8', input: '', timeout: 10_000, env: { PATH: process.env.PATH ?? '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function initialized(): Promise<RawBridge> {
  vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] }));
  agent = stopAfterTest(await startFakeAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: KEY } } }));
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
    agent = stopAfterTest(await startFakeAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: KEY } } }));
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
    b.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: { text: 'still here' } } });
    expect((await b.next((m) => m.id === 3)).result).toMatchObject({ content: [{ text: 'still here' }] });
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
  });

  it('EOF before any session: exit 0 at once', async () => {
    agent = stopAfterTest(await startFakeAgent({ profiles: {} }));
    bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
    bridge.child.stdin.end();
    expect(await bridge.exited).toEqual({ code: 0, signal: null });
  });
});
