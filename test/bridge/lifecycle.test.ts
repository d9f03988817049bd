// A session's life through the built bridge and the real agent: key rotation and revocation
// (the agent's upstream session uses the current key), session expiry, KeyBridge not running
// (at start, packaged or not), the agent refusing, and the agent going away mid-session (tray
// update, crash, restart): the bridge reconnects with `resume` and the session carries on.
// Driven by the real SDK Client over stdio.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { CreateMessageRequestSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { encodeFrame } from '../../src-shared/agent-protocol';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startTestAgent } from '../support/test-agent';
import { INITIALIZE, spawnBridge, startBridgeClient, type BridgeClient } from '../support/bridge-process';
import { stopAfterTest } from '../support/stop-after-test';
import { until } from '../support/until';

const UM_OLD = 'umk_live_test_rotate_old_000001';
const UM_NEW = 'umk_live_test_rotate_new_000002';
const UO_KEY = 'uo_test_lifecycle_cccccccc03';
const RESTARTED = 'KeyBridge restarted while this request was in flight; retry it.';

let dirs: string[] = [];

afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

const echo = async (b: BridgeClient, text: string) => {
  const result = await b.client.callTool({ name: 'echo', arguments: { text } });
  return (result.content as { text: string }[])[0]?.text;
};

/** A fake UptimeObserver, the agent with one profile for it, and `count` bridges using it. */
async function serving(count = 1, setup?: Parameters<typeof startBridgeClient>[2]) {
  const vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY] }));
  const agent = stopAfterTest(await startTestAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY } } }));
  const bridges: BridgeClient[] = [];
  for (let i = 0; i < count; i++) {
    bridges.push(stopAfterTest(await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent.socketPath }, { capabilities: { sampling: {} } }, setup)));
  }
  return { vendor, agent, bridges, bridge: bridges[0]! };
}

/** A long tools/call still running when something happens; `outcome` is what the assistant got. */
function inFlight(bridge: BridgeClient, vendor: FakeVendor) {
  const mark = vendor.requests.length;
  const outcome = bridge.client.callTool({ name: 'slow', arguments: { steps: 1, intervalMs: 20_000 } }).then(
    () => 'answered',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  const upstream = () => vendor.requests.slice(mark).some((r) => r.rpcMethods.includes('tools/call'));
  return { outcome, upstream };
}

const initializes = (vendor: FakeVendor) => vendor.requests.filter((r) => r.rpcMethods.includes('initialize'));

describe('keys change under a running session', () => {
  it('rotation mid-session: the next request carries the new key in the same upstream session; the grace window ends harmlessly', async () => {
    let now = 5_000_000;
    const vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimemonitoring', keys: [UM_OLD], clock: () => now }));
    const agent = stopAfterTest(await startTestAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'bearer', key: UM_OLD } } }));
    const bridge = stopAfterTest(await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
    expect(await echo(bridge, 'before')).toBe('before');
    const sessionBefore = vendor.requests.at(-1)!.sessionId;
    expect(vendor.requests.at(-1)!.authorization).toBe(`Bearer ${UM_OLD}`);

    vendor.rotate(UM_OLD, UM_NEW);
    await agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'bearer', key: UM_NEW });
    const mark = vendor.requests.length;
    expect(await echo(bridge, 'after')).toBe('after');
    const posts = vendor.requests.slice(mark).filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    for (const r of posts) expect(r).toMatchObject({ authorization: `Bearer ${UM_NEW}`, sessionId: sessionBefore, status: 200 });
    expect(vendor.requests.slice(mark).some((r) => r.rpcMethods.includes('initialize'))).toBe(false);

    now += 6 * 60 * 1000; // the old key's grace window is over
    expect(await echo(bridge, 'much later')).toBe('much later');
  });

  it('revoke: requests fail with -32001 and the reason, without reaching the vendor; a new key brings the same session back', async () => {
    const { vendor, agent, bridge } = await serving();
    expect(await echo(bridge, 'ok')).toBe('ok');
    await agent.revoke('mcp-claude', "The key for 'mcp-claude' was removed in KeyBridge.");
    const mark = vendor.requests.length;
    await expect(echo(bridge, 'nope')).rejects.toThrow("MCP error -32001: The key for 'mcp-claude' was removed in KeyBridge.");
    expect(vendor.requests.slice(mark).filter((r) => r.method === 'POST')).toEqual([]);
    await agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY });
    expect(await echo(bridge, 'back')).toBe('back');
    expect(initializes(vendor)).toHaveLength(1);
  });

  it('revoke with a request in flight: it is answered -32001 at once; closing the agent does not wait for its stream', async () => {
    const { vendor, agent, bridge } = await serving();
    const { outcome, upstream } = inFlight(bridge, vendor);
    await until(upstream, 'the call upstream');
    await agent.revoke('mcp-claude', "The key for 'mcp-claude' was paused in KeyBridge.");
    expect(await outcome).toBe("MCP error -32001: The key for 'mcp-claude' was paused in KeyBridge.");
    // The vendor still streams that call (no key left to end its session with); quitting
    // KeyBridge does not wait for it.
    const quitting = Date.now();
    await agent.close();
    expect(Date.now() - quitting).toBeLessThan(5000);
  });

  it('session expiry is invisible: re-initialized and resent once, setup replayed', async () => {
    const { vendor, bridge } = await serving();
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
});

describe('KeyBridge not there, or refusing', () => {
  it('agent down at start: initialize fails at once with what to do (no hang, no crash)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kb-noagent-'));
    dirs.push(dir);
    const started = Date.now();
    await expect(startBridgeClient({ profile: 'mcp-claude', agentSocket: join(dir, 'agent.sock') })).rejects.toThrow(
      "MCP error -32001: KeyBridge is not running, so 'mcp-claude' cannot be used. Start the KeyBridge app (from a source checkout: npm start), then restart this MCP server in your assistant.",
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('the agent refuses at hello: the refusal is the initialize error (-32001); an unknown profile looks like a denied one', async () => {
    const agent = stopAfterTest(
      await startTestAgent({
        profiles: { locked: { error: 'locked', message: 'KeyBridge cannot decrypt keys right now: unlock your keychain.' }, 'mcp-secret': { endpoint: 'http://127.0.0.1:9/mcp', auth: 'bearer', key: UO_KEY } },
        policy: async ({ profile }) => (profile.startsWith('mcp-') ? 'deny' : 'allow'),
      }),
    );
    await expect(startBridgeClient({ profile: 'cursor', agentSocket: agent.socketPath })).rejects.toThrow(
      "MCP error -32001: KeyBridge has no key named 'cursor'. Add it in KeyBridge, or fix the name in the assistant's config.",
    );
    await expect(startBridgeClient({ profile: 'locked', agentSocket: agent.socketPath })).rejects.toThrow('MCP error -32001: KeyBridge cannot decrypt keys right now: unlock your keychain.');
    // Denied: an existing profile and a missing one answer alike (no listing names by trial).
    const denied = async (profile: string) => String(await startBridgeClient({ profile, agentSocket: agent.socketPath }).catch((e: unknown) => e)).replace(profile, '<p>');
    expect(await denied('mcp-secret')).toMatch(/^McpError: MCP error -32001: KeyBridge did not allow .* to use the key '<p>'\. Open KeyBridge to allow it\.$/);
    expect(await denied('mcp-nothing')).toBe(await denied('mcp-secret'));
    // No key was decrypted for a denied client.
    expect(agent.lookups).toEqual(['locked']);
  });

  it('after a refusal the next request tries again: the key the user unlocked meanwhile is served', async () => {
    const vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY] }));
    const agent = stopAfterTest(await startTestAgent({ profiles: { 'mcp-claude': { error: 'locked', message: 'KeyBridge is locked.' } } }));
    const bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
    bridge.send(INITIALIZE);
    expect(await bridge.next((m) => m.id === 1)).toMatchObject({ error: { code: -32001, message: 'KeyBridge is locked.' } });
    await agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY });
    bridge.send({ ...INITIALIZE, id: 2 });
    expect(await bridge.next((m) => m.id === 2)).toMatchObject({ result: { serverInfo: { name: 'fake-uptimeobserver' } } });
  });

  it('a request sent between the refusal and the agent closing tries again (not held until the wait runs out)', async () => {
    // A stand-in agent that refuses every hello and closes only when the test says so.
    const dir = await mkdtemp(join(tmpdir(), 'kb-slowclose-'));
    dirs.push(dir);
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      const n = sockets.push(socket);
      socket.once('data', () => socket.write(encodeFrame({ type: 'error', code: 'locked', message: `refusal ${n}` })));
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'agent.sock'), resolve));
    stopAfterTest({ close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))) });
    const bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: join(dir, 'agent.sock') }));
    bridge.send(INITIALIZE);
    expect(await bridge.next((m) => m.id === 1)).toMatchObject({ error: { message: 'refusal 1' } });
    bridge.send({ ...INITIALIZE, id: 2 });
    // Answered by the bridge itself, in order: once it is, the bridge holds request 2.
    bridge.send({ jsonrpc: '2.0', id: 'sync', method: 7 });
    await bridge.next((m) => m.id === 'sync');
    sockets[0]!.end();
    expect(await bridge.next((m) => m.id === 2, 3000)).toMatchObject({ error: { message: 'refusal 2' } });
  });

  it('packaged (ELECTRON_RUN_AS_NODE): starts the app, waits for it to come up, then serves', async () => {
    const vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY] }));
    const dir = await mkdtemp(join(tmpdir(), 'kb-late-'));
    dirs.push(dir);
    const socketPath = join(dir, 'agent.sock');
    // Raw, to watch the bridge's log before it is served. The "app" here is node itself
    // (`node --hidden` exits at once); the agent comes up once the bridge has started the app
    // and looked for it again in vain.
    const bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: socketPath, env: { ELECTRON_RUN_AS_NODE: '1' } }));
    bridge.send(INITIALIZE);
    const LAUNCHED = 'agent unreachable: started the KeyBridge app; waiting for it';
    await until(() => bridge.stderr().includes(LAUNCHED), 'the bridge to start the app');
    await until(() => bridge.stderr().slice(bridge.stderr().indexOf(LAUNCHED)).includes('agent: cannot connect'), 'the bridge to look for the agent again');
    stopAfterTest(await startTestAgent({ socketPath, profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY } } }));
    expect(await bridge.next((m) => m.id === 1)).toMatchObject({ result: { serverInfo: expect.any(Object) } });
    bridge.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    bridge.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'late but fine' } } });
    expect(await bridge.next((m) => m.id === 2)).toMatchObject({ result: { content: [{ type: 'text', text: 'late but fine' }] } });
  });
});

describe('the agent goes away mid-session', () => {
  it('restart: the request in flight gets a clear error; the session resumes upstream as the assistant set it up', async () => {
    const samplingAsked: string[] = [];
    const updated: string[] = [];
    const { vendor, agent, bridge } = await serving(1, (client) => {
      client.setRequestHandler(CreateMessageRequestSchema, async () => {
        samplingAsked.push('yes');
        return { model: 'm', role: 'assistant', content: { type: 'text', text: 'sampled after the restart' } };
      });
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    });
    await bridge.client.setLoggingLevel('warning');
    await bridge.client.subscribeResource({ uri: 'fake://status' });
    expect(await echo(bridge, 'a')).toBe('a');
    const [oldSession] = vendor.sessionIds;
    const { outcome, upstream } = inFlight(bridge, vendor);
    await until(upstream, 'the call upstream');

    await agent.restart();
    expect(await outcome).toBe(`MCP error -32001: ${RESTARTED}`);
    expect(await echo(bridge, 'b')).toBe('b');

    // A new upstream session, set up with the assistant's own initialize (its capabilities: the
    // server may ask it for sampling), initialized, log level and subscriptions.
    const [initial, replayed] = initializes(vendor);
    expect(replayed).toBeDefined();
    expect(replayed!.sessionId).toBeUndefined();
    expect(vendor.requests.at(-1)!.sessionId).not.toBe(oldSession);
    const after = vendor.requests.slice(vendor.requests.indexOf(replayed!));
    expect(after.flatMap((r) => r.rpcMethods)).toEqual(expect.arrayContaining(['notifications/initialized', 'logging/setLevel', 'resources/subscribe']));
    expect(replayed!.protocolVersion).toBe(initial!.protocolVersion);
    const sampled = await bridge.client.callTool({ name: 'ask-client', arguments: { kind: 'sampling' } });
    expect((sampled.content as { text: string }[])[0]!.text).toContain('sampled after the restart');
    expect(await bridge.client.callTool({ name: 'touch', arguments: { uri: 'fake://status' } })).toMatchObject({ content: [{ text: 'notified' }] });
    await until(() => updated.includes('fake://status'), 'resources/updated after the restart');
    // The replies to the replayed setup went nowhere: the assistant saw one answer per request.
    const ids = bridge.stdout().map((l) => JSON.parse(l) as { id?: unknown; method?: string }).filter((m) => m.id !== undefined && m.method === undefined).map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);

    // The new agent serves the same profile with its current key: a rotation applies.
    const next = 'uo_test_lifecycle_dddddddd04';
    vendor.addKey(next);
    await agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'bearer', key: next });
    expect(await echo(bridge, 'c')).toBe('c');
    expect(vendor.requests.at(-1)).toMatchObject({ authorization: `Bearer ${next}`, xApiKey: undefined });
  });

  it('tray restart with 3 bridges in flight: no session is lost', async () => {
    const { vendor, agent, bridges } = await serving(3);
    for (const [i, b] of bridges.entries()) expect(await echo(b, `before ${i}`)).toBe(`before ${i}`);
    const calls = bridges.map((b) => inFlight(b, vendor));
    // Each assistant's third request (ids from 0: initialize, echo, this call), in its own session.
    await until(() => vendor.requests.filter((r) => r.rpcMethods.includes('tools/call') && r.rpcIds.includes(2)).length === 3, 'three calls upstream');
    await agent.restart();
    expect(await Promise.all(calls.map((c) => c.outcome))).toEqual(Array(3).fill(`MCP error -32001: ${RESTARTED}`));
    const answers = await Promise.all(bridges.map((b, i) => echo(b, `after ${i}`)));
    expect(answers).toEqual(['after 0', 'after 1', 'after 2']);
    await until(() => agent.sessions().length === 3, 'three sessions on the new agent');
    expect(initializes(vendor)).toHaveLength(6);
  });

  it('a request sent while the agent is away waits for it and is then served', async () => {
    const { agent, bridge } = await serving();
    expect(await echo(bridge, 'a')).toBe('a');
    await agent.stop();
    // Once the bridge knows (a request written just before that is 'in flight' and told to retry).
    await until(() => bridge.stderr().includes('connection lost'), 'the bridge noticing');
    const waiting = echo(bridge, 'held');
    await until(() => bridge.stderr().includes('cannot connect'), 'the bridge trying to reconnect');
    await agent.restart();
    expect(await waiting).toBe('held');
  });

  it('profile removed while the agent was away: the answer to the reconnect stops requests with a clear error', async () => {
    const { agent, bridge } = await serving();
    expect(await echo(bridge, 'a')).toBe('a');
    await agent.stop();
    await agent.revoke('mcp-claude', 'unused: nobody is connected');
    await agent.restart();
    await until(() => agent.activity.some((a) => a.message.includes("asked for 'mcp-claude', which does not exist")), 'the reconnect refused', 8000);
    await expect(echo(bridge, 'b')).rejects.toThrow(
      "MCP error -32001: KeyBridge has no key named 'mcp-claude'. Add it in KeyBridge, or fix the name in the assistant's config.",
    );
  });
});
