// Agent-side faults through built bridges: the agent restarts (a tray update or crash) while
// three bridges have requests in flight; a rotation lands while 1,000 requests are in flight;
// the approval prompt takes a while; UptimeMonitoring's grace window runs out after a rotation
// done by the real vault + agent.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeVendor } from '../support/fake-vendor';
import { startTestAgent } from '../support/test-agent';
import { startBridgeClient, type BridgeClient } from '../support/bridge-process';
import { until } from '../support/until';
import { createVault } from '../../src-main/vault';
import { startAgent, type AccessPolicy } from '../../src-main/agent';
import { NO_CREDENTIALS } from '../../src-shared/jsonrpc-errors';
import { confBackend, createManualClock, createTestCipher } from '../main/vault/helpers';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kb-faults-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function bridgeFor(profile: string, socketPath: string): Promise<BridgeClient> {
  const bridge = await startBridgeClient({ profile, agentSocket: socketPath, logLevel: 'warn' });
  cleanups.push(() => bridge.close());
  return bridge;
}

const text = (result: unknown) => (result as { content?: { text?: string }[] }).content?.[0]?.text;

describe('agent faults', () => {
  it('the agent restarts while three bridges have requests in flight: each gets a clear error, never a hang; every session carries on', async () => {
    const key = 'uo_test_faults_agent_restart1';
    const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [key] });
    cleanups.push(() => vendor.close());
    const names = ['one', 'two', 'three'];
    const agent = await startTestAgent({ profiles: Object.fromEntries(names.map((p) => [p, { endpoint: vendor.url, auth: 'x-api-key' as const, key }])) });
    cleanups.push(() => agent.close());
    const bridges = await Promise.all(names.map((p) => bridgeFor(p, agent.socketPath)));
    for (const b of bridges) expect(text(await b.client.callTool({ name: 'echo', arguments: { text: 'before' } }))).toBe('before');
    const initializes = () => vendor.requests.filter((r) => r.rpcMethods.includes('initialize')).length;
    expect(initializes()).toBe(3);

    vendor.delayMs = 4000;
    const calls = bridges.flatMap((b, i) =>
      Array.from({ length: 5 }, (_, j) =>
        b.client.callTool({ name: 'echo', arguments: { text: `${i}-${j}` } }).then(
          () => 'answered',
          (error: Error & { code?: number }) => error,
        ),
      ),
    );
    await until(() => vendor.requests.filter((r) => r.rpcMethods.includes('tools/call')).length === 3 + 15, 'the calls upstream');
    const restartedAt = Date.now();
    await agent.restart();
    const outcomes = await Promise.all(calls);
    // Answered as soon as the connection dropped, not after the vendor's 4 s.
    expect(Date.now() - restartedAt).toBeLessThan(3000);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ code: NO_CREDENTIALS, message: expect.stringContaining('KeyBridge restarted while this request was in flight; retry it') });
    }

    // Each bridge said hello again with its session's setup; the agent re-initialized upstream
    // with the assistant's own initialize, and the assistant noticed nothing.
    vendor.delayMs = 0;
    for (const [i, b] of bridges.entries()) expect(text(await b.client.callTool({ name: 'echo', arguments: { text: `after ${i}` } }))).toBe(`after ${i}`);
    expect(initializes()).toBe(6);
    expect(agent.sessions().map((s) => s.profile).sort()).toEqual(['one', 'three', 'two']);
    for (const b of bridges) {
      const results = b.stdout().filter((line) => line.includes('"serverInfo"'));
      expect(results).toHaveLength(1);
      expect(b.stdout().some((line) => line.includes(key))).toBe(false);
    }
  });

  it('rotation while 1,000 requests are in flight: none fails; from the switch on, every request carries the new key', async () => {
    const oldKey = 'uo_test_faults_rotate_old_01';
    const newKey = 'uo_test_faults_rotate_new_01';
    const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [oldKey] });
    cleanups.push(() => vendor.close());
    const agent = await startTestAgent({ profiles: { rot: { endpoint: vendor.url, auth: 'x-api-key', key: oldKey } } });
    cleanups.push(() => agent.close());
    const bridge = await bridgeFor('rot', agent.socketPath);
    vendor.delayMs = 100;

    const call = (label: string) => bridge.client.callTool({ name: 'echo', arguments: { text: label } }, undefined, { timeout: 60_000 }).then(text);
    const calls: Promise<string | undefined>[] = [];
    const upstreamCalls = () => vendor.requests.filter((r) => r.rpcMethods.includes('tools/call')).length;
    const fireBatches = async (from: number) => {
      for (let batch = from; batch < from + 5; batch++) {
        for (let i = batch * 100; i < batch * 100 + 100; i++) calls.push(call(`n${i}`));
        // The next batch once this one flows upstream (the earlier ones have all reached the
        // vendor): the rotation comes with old-key requests in flight and more queued behind.
        await until(() => upstreamCalls() > batch * 100, `batch ${batch} upstream`, 30_000);
      }
    };
    await fireBatches(0);
    // UptimeObserver: the old key stays valid until the user revokes it, so requests already
    // sent with it may finish with it. The push resolves once the sessions use the new key.
    vendor.rotate(oldKey, newKey);
    await agent.pushCredentials('rot', { endpoint: vendor.url, auth: 'x-api-key', key: newKey });
    const switchedAt = vendor.requests.length;
    await fireBatches(5);

    expect(await Promise.all(calls)).toEqual(Array.from({ length: 1000 }, (_, i) => `n${i}`));
    const toolCalls = vendor.requests.filter((r) => r.rpcMethods.includes('tools/call'));
    expect(toolCalls).toHaveLength(1000);
    expect(toolCalls.every((r) => r.status === 200)).toBe(true);
    // One switch, never back: every old-key request was issued (JSON-RPC id order = the order
    // the assistant sent them) before every new-key request.
    const ids = (key: string) => toolCalls.filter((r) => r.xApiKey === key).flatMap((r) => r.rpcIds.map(Number));
    const oldIds = ids(oldKey);
    const newIds = ids(newKey);
    expect(oldIds.length).toBeGreaterThan(0);
    expect(Math.max(...oldIds)).toBeLessThan(Math.min(...newIds));
    // Everything sent after the switch carried the new key, GET/DELETE included.
    expect(vendor.requests.slice(switchedAt).filter((r) => r.xApiKey === oldKey && r.rpcIds.some((id) => Number(id) > Math.max(...oldIds)))).toEqual([]);
    expect(newIds.length).toBeGreaterThanOrEqual(500);
    expect(bridge.stdout().some((line) => line.includes(oldKey) || line.includes(newKey))).toBe(false);
  }, 90_000);

  it('the real agent takes a moment to approve the client (the approval prompt): the first initialize still succeeds', async () => {
    const key = 'uo_test_faults_approval_0001';
    const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [key] });
    cleanups.push(() => vendor.close());
    const dir = await tempDir();
    const vault = await createVault({ backend: confBackend(join(dir, 'store')), cipher: createTestCipher(), probeTimeoutMs: 5000 });
    cleanups.push(async () => vault.close());
    await vault.add({ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key });
    // The shell puts the user's approval prompt in the access policy: it answers when the user
    // does, here once the test has seen the prompt up (the bridge's hello, with the assistant's
    // initialize held behind it, waits meanwhile).
    let asked = 0;
    let approve: () => void = () => undefined;
    const approving: AccessPolicy = async () => {
      asked++;
      await new Promise<void>((resolve) => (approve = resolve));
      return 'allow';
    };
    const agent = await startAgent({ socketPath: join(dir, 'run', 'agent.sock'), credentials: vault, policy: approving });
    cleanups.push(() => agent.close());
    const connecting = bridgeFor('mcp-claude', agent.socketPath);
    await until(() => asked === 1, 'the approval prompt');
    approve();
    const bridge = await connecting;
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { text: 'approved' } }))).toBe('approved');
    expect(asked).toBe(1);
  });

  it('UptimeMonitoring grace expiry after a rotation by the real vault + agent: the old key is refused, the bridge is already on the new one', async () => {
    const oldKey = 'umk_live_test_grace_old_0001';
    const newKey = 'umk_live_test_grace_new_0001';
    const clock = createManualClock(Date.now());
    const vendor = await startFakeVendor({ vendor: 'uptimemonitoring', keys: [oldKey], clock: clock.now, graceMs: 5 * 60_000 });
    cleanups.push(() => vendor.close());
    const dir = await tempDir();
    const vault = await createVault({ backend: confBackend(join(dir, 'store')), cipher: createTestCipher(), clock, probeTimeoutMs: 5000 });
    cleanups.push(async () => vault.close());
    await vault.add({ name: 'mcp-cursor', vendor: 'uptimemonitoring', endpoint: vendor.url, auth: 'bearer', key: oldKey });
    const agent = await startAgent({ socketPath: join(dir, 'run', 'agent.sock'), credentials: vault });
    cleanups.push(() => agent.close());
    const bridge = await bridgeFor('mcp-cursor', agent.socketPath);
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { text: 'old' } }))).toBe('old');

    // The user makes a new key in the vendor's dashboard (the old one gets 5 minutes) and
    // rotates in KeyBridge: verified, made active, used by the running session from its next request.
    vendor.rotate(oldKey, newKey);
    const rotated = await vault.rotate('mcp-cursor', newKey);
    expect(rotated.previous?.fate).toBe('grace');
    const afterRotate = vendor.requests.length;
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { text: 'new' } }))).toBe('new');

    clock.advance(5 * 60_000 + 1000);
    expect(vault.get('mcp-cursor').previous).toBeNull();
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { text: 'after grace' } }))).toBe('after grace');
    const bridgeRequests = vendor.requests.slice(afterRotate).filter((r) => r.method === 'POST');
    expect(bridgeRequests.length).toBeGreaterThan(0);
    expect(bridgeRequests.every((r) => r.authorization === `Bearer ${newKey}` && r.status < 400)).toBe(true);

    // The old key itself is now refused by the vendor.
    const refused = await fetch(vendor.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${oldKey}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('invalid credentials');
  });
});
