// The bridge over a session's life: key rotation, revocation, session expiry, the agent going
// away (at start and mid-session), shutdown. Driven by the real SDK Client over stdio.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startFakeAgent, type FakeAgent } from '../support/fake-agent';
import { startBridgeClient, type BridgeClient } from '../support/bridge-process';
import { stopAfterTest } from '../support/stop-after-test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../support/until';

const UM_OLD = 'umk_live_test_rotate_old_000001';
const UM_NEW = 'umk_live_test_rotate_new_000002';
const UO_KEY = 'uo_test_lifecycle_cccccccc03';

let vendor: FakeVendor | undefined;
let agent: FakeAgent | undefined;
let bridge: BridgeClient | undefined;
let dirs: string[] = [];

afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

const echo = async (b: BridgeClient, text: string) => {
  const result = await b.client.callTool({ name: 'echo', arguments: { text } });
  return (result.content as { text: string }[])[0]?.text;
};

describe('bridge lifecycle', () => {
  it('rotation mid-session: the next request carries the new key in the same session; the grace window ends harmlessly', async () => {
    let now = 5_000_000;
    vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimemonitoring', keys: [UM_OLD], clock: () => now }));
    agent = stopAfterTest(await startFakeAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'bearer', key: UM_OLD } } }));
    bridge = stopAfterTest(await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
    expect(await echo(bridge, 'before')).toBe('before');
    const sessionBefore = vendor.requests.at(-1)!.sessionId;
    expect(vendor.requests.at(-1)!.authorization).toBe(`Bearer ${UM_OLD}`);

    vendor.rotate(UM_OLD, UM_NEW);
    agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'bearer', key: UM_NEW });
    await until(() => agent!.sent.filter((f) => f.type === 'credentials').length === 2, 'the push', 8000);
    await new Promise((r) => setTimeout(r, 100));
    const mark = vendor.requests.length;
    expect(await echo(bridge, 'after')).toBe('after');
    const posts = vendor.requests.slice(mark).filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    for (const r of posts) expect(r).toMatchObject({ authorization: `Bearer ${UM_NEW}`, sessionId: sessionBefore, status: 200 });
    expect(vendor.requests.slice(mark).some((r) => r.rpcMethods.includes('initialize'))).toBe(false);

    now += 6 * 60 * 1000; // the old key's grace window is over
    expect(await echo(bridge, 'much later')).toBe('much later');
  });

  it('revoke: later requests fail with a clear error, without reaching the vendor', async () => {
    vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY] }));
    agent = stopAfterTest(await startFakeAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY } } }));
    bridge = stopAfterTest(await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
    expect(await echo(bridge, 'ok')).toBe('ok');
    agent.revoke('mcp-claude', "The key for 'mcp-claude' was removed in KeyBridge.");
    await new Promise((r) => setTimeout(r, 150));
    const mark = vendor.requests.length;
    await expect(echo(bridge, 'nope')).rejects.toThrow(
      "KeyBridge: The key for 'mcp-claude' was removed in KeyBridge. Add a key for 'mcp-claude' in KeyBridge, then retry.",
    );
    expect(vendor.requests.slice(mark).filter((r) => r.method === 'POST')).toEqual([]);
    // A new key brings it back in the same bridge.
    agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY });
    await new Promise((r) => setTimeout(r, 150));
    expect(await echo(bridge, 'back')).toBe('back');
  });

  it('session expiry is invisible: re-initialized and resent once, setup replayed', async () => {
    vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY] }));
    agent = stopAfterTest(await startFakeAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY } } }));
    bridge = stopAfterTest(await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
    await bridge.client.setLoggingLevel('error');
    expect(await echo(bridge, 'one')).toBe('one');
    const [oldSession] = vendor.sessionIds;
    const framesBefore = bridge.stdout().length;
    await vendor.expireSessions();
    expect(await echo(bridge, 'two')).toBe('two');
    const [newSession] = vendor.sessionIds;
    expect(newSession).toBeDefined();
    expect(newSession).not.toBe(oldSession);
    const afterExpiry = vendor.requests.filter((r) => r.method === 'POST' && r.sessionId === oldSession && r.status === 404);
    expect(afterExpiry.length).toBeGreaterThan(0);
    const methods = vendor.requests.filter((r) => r.method === 'POST').flatMap((r) => r.rpcMethods);
    expect(methods.filter((m) => m === 'initialize')).toHaveLength(2);
    expect(methods.filter((m) => m === 'logging/setLevel')).toHaveLength(2);
    // The assistant saw exactly one new frame: the echo result.
    expect(bridge.stdout().slice(framesBefore)).toHaveLength(1);
    expect(await echo(bridge, 'three')).toBe('three');
    expect(vendor.requests.at(-1)!.sessionId).toBe(newSession);
  });

  it('agent down at start: initialize fails at once with what to do (no hang, no crash)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kb-noagent-'));
    dirs.push(dir);
    const started = Date.now();
    await expect(startBridgeClient({ profile: 'mcp-claude', agentSocket: join(dir, 'agent.sock') })).rejects.toThrow(
      "KeyBridge is not running, so the bridge has no key for 'mcp-claude'. Start the KeyBridge app (from a source checkout: npm start), then restart this MCP server in your assistant.",
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('agent errors at hello (unknown profile) become the initialize error', async () => {
    agent = stopAfterTest(await startFakeAgent({ profiles: {} }));
    await expect(startBridgeClient({ profile: 'mcp-cursor', agentSocket: agent.socketPath })).rejects.toThrow(
      "KeyBridge: No profile named 'mcp-cursor'. Open KeyBridge to add it.",
    );
  });

  it('packaged (ELECTRON_RUN_AS_NODE): waits for the app to come up, then serves', async () => {
    vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY] }));
    const dir = await mkdtemp(join(tmpdir(), 'kb-late-'));
    dirs.push(dir);
    const socketPath = join(dir, 'agent.sock');
    // The "app" here is node itself (`node --hidden` exits at once); the agent appears 1.5 s later.
    const late = new Promise<FakeAgent>((resolve) =>
      setTimeout(() => void startFakeAgent({ socketPath, profiles: { 'mcp-claude': { endpoint: vendor!.url, auth: 'x-api-key', key: UO_KEY } } }).then(resolve), 1500),
    );
    const starting = startBridgeClient({ profile: 'mcp-claude', agentSocket: socketPath, env: { ELECTRON_RUN_AS_NODE: '1' } });
    agent = stopAfterTest(await late);
    bridge = stopAfterTest(await starting);
    expect(await echo(bridge, 'late but fine')).toBe('late but fine');
  });

  it('agent drop mid-session: keeps serving with its key and reconnects', async () => {
    vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY] }));
    agent = stopAfterTest(await startFakeAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY } } }));
    bridge = stopAfterTest(await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
    expect(await echo(bridge, 'a')).toBe('a');
    agent.dropConnections();
    expect(await echo(bridge, 'b')).toBe('b');
    await until(() => agent!.hellos.length === 2 && agent!.connections === 1, 'the reconnect', 8000);
    // A rotation pushed over the new connection applies.
    const next = 'uo_test_lifecycle_dddddddd04';
    vendor.addKey(next);
    agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'bearer', key: next });
    await new Promise((r) => setTimeout(r, 150));
    expect(await echo(bridge, 'c')).toBe('c');
    expect(vendor.requests.at(-1)).toMatchObject({ authorization: `Bearer ${next}`, xApiKey: undefined });
  });

  it('profile removed while the agent was away: the re-hello answer stops it with a clear error', async () => {
    vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY] }));
    agent = stopAfterTest(await startFakeAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY } } }));
    bridge = stopAfterTest(await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
    expect(await echo(bridge, 'a')).toBe('a');
    agent.dropConnections();
    agent.revoke('mcp-claude', 'unused: nobody is connected');
    await until(() => agent!.hellos.length === 2 && agent!.sent.at(-1)?.type === 'error', 'the re-hello and its answer', 8000);
    await expect(echo(bridge, 'b')).rejects.toThrow(/: KeyBridge: No profile named 'mcp-claude'\. Open KeyBridge to add it\.$/);
  });

  it('agent gone for good mid-session: still serving', async () => {
    vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY] }));
    agent = stopAfterTest(await startFakeAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY } } }));
    bridge = stopAfterTest(await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
    await agent.close();
    for (let i = 0; i < 5; i++) expect(await echo(bridge, `n${i}`)).toBe(`n${i}`);
  });
});
