// Agent-side faults through built bridges: the tray restarts while three bridges have requests
// in flight; a rotation lands while 1,000 requests are in flight; UptimeMonitoring's grace
// window runs out after a rotation done by the real vault + agent.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeVendor } from '../support/fake-vendor';
import { startFakeAgent, type FakeProfile } from '../support/fake-agent';
import { startBridgeClient, type BridgeClient } from '../support/bridge-process';
import { createVault } from '../../src-main/vault';
import { startAgent } from '../../src-main/agent';
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
  it('the agent restarts while three bridges have requests in flight: none fails, all reconnect', async () => {
    const key = 'uo_test_faults_agent_restart1';
    const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [key] });
    cleanups.push(() => vendor.close());
    const socketPath = join(await tempDir(), 'agent.sock');
    const profiles: Record<string, FakeProfile> = Object.fromEntries(
      ['one', 'two', 'three'].map((p) => [p, { endpoint: vendor.url, auth: 'x-api-key', key }]),
    );
    const first = await startFakeAgent({ socketPath, profiles });
    let firstClosed = false;
    cleanups.push(() => (firstClosed ? Promise.resolve() : first.close()));
    const bridges = await Promise.all(['one', 'two', 'three'].map((p) => bridgeFor(p, socketPath)));

    vendor.delayMs = 1500;
    const calls = bridges.flatMap((b, i) =>
      Array.from({ length: 5 }, (_, j) => b.client.callTool({ name: 'echo', arguments: { text: `${i}-${j}` } }).then(text)),
    );
    await new Promise((r) => setTimeout(r, 300));
    await first.close();
    firstClosed = true;
    await rm(socketPath, { force: true });
    await new Promise((r) => setTimeout(r, 400));
    const second = await startFakeAgent({ socketPath, profiles });
    cleanups.push(() => second.close());

    expect(await Promise.all(calls)).toEqual(bridges.flatMap((_, i) => Array.from({ length: 5 }, (_, j) => `${i}-${j}`)));
    // Each bridge found the new agent and said hello again.
    const deadline = Date.now() + 10_000;
    while (new Set(second.hellos.map((h) => h.profile)).size < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(new Set(second.hellos.map((h) => h.profile))).toEqual(new Set(['one', 'two', 'three']));
    vendor.delayMs = 0;
    for (const b of bridges) expect(text(await b.client.callTool({ name: 'echo', arguments: { text: 'after' } }))).toBe('after');
  });

  it('rotation while 1,000 requests are in flight: none fails; from the switch on, every request carries the new key', async () => {
    const oldKey = 'uo_test_faults_rotate_old_01';
    const newKey = 'uo_test_faults_rotate_new_01';
    const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [oldKey] });
    cleanups.push(() => vendor.close());
    const agent = await startFakeAgent({ profiles: { rot: { endpoint: vendor.url, auth: 'x-api-key', key: oldKey } } });
    cleanups.push(() => agent.close());
    const bridge = await bridgeFor('rot', agent.socketPath);
    vendor.delayMs = 100;

    const call = (label: string) => bridge.client.callTool({ name: 'echo', arguments: { text: label } }, undefined, { timeout: 60_000 }).then(text);
    const calls: Promise<string | undefined>[] = [];
    const fireBatches = async (from: number) => {
      for (let batch = from; batch < from + 5; batch++) {
        for (let i = batch * 100; i < batch * 100 + 100; i++) calls.push(call(`n${i}`));
        await new Promise((r) => setTimeout(r, 30));
      }
    };
    await fireBatches(0);
    // UptimeObserver: the old key stays valid until the user revokes it, so requests already
    // sent with it may finish with it.
    vendor.rotate(oldKey, newKey);
    agent.pushCredentials('rot', { endpoint: vendor.url, auth: 'x-api-key', key: newKey });
    // Wait until the bridge has switched (a request of ours reached the vendor with the new key).
    const probes: string[] = [];
    while (!vendor.requests.some((r) => r.xApiKey === newKey)) probes.push((await call(`probe${probes.length}`)) ?? '');
    const switchedAt = vendor.requests.length;
    await fireBatches(5);

    expect(await Promise.all(calls)).toEqual(Array.from({ length: 1000 }, (_, i) => `n${i}`));
    expect(probes.every((p, i) => p === `probe${i}`)).toBe(true);
    const toolCalls = vendor.requests.filter((r) => r.rpcMethods.includes('tools/call'));
    expect(toolCalls).toHaveLength(1000 + probes.length);
    expect(toolCalls.every((r) => r.status === 200)).toBe(true);
    // One switch, never back: every old-key request was issued (JSON-RPC id order = the order
    // the bridge read them) before every new-key request.
    const ids = (key: string) => toolCalls.filter((r) => r.xApiKey === key).flatMap((r) => r.rpcIds.map(Number));
    const oldIds = ids(oldKey);
    const newIds = ids(newKey);
    expect(oldIds.length).toBeGreaterThan(0);
    expect(Math.max(...oldIds)).toBeLessThan(Math.min(...newIds));
    // Everything sent after the switch carried the new key, GET/DELETE included.
    expect(vendor.requests.slice(switchedAt).filter((r) => r.xApiKey === oldKey && r.rpcIds.some((id) => Number(id) > Math.max(...oldIds)))).toEqual([]);
    expect(newIds.length).toBeGreaterThanOrEqual(500);
  }, 90_000);

  it('the real agent takes a moment to approve the client (the approval prompt): the first initialize still succeeds', async () => {
    const key = 'uo_test_faults_approval_0001';
    const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [key] });
    cleanups.push(() => vendor.close());
    const dir = await tempDir();
    const vault = await createVault({ backend: confBackend(join(dir, 'store')), cipher: createTestCipher(), probeTimeoutMs: 5000 });
    cleanups.push(async () => vault.close());
    await vault.add({ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key });
    // The shell puts the user's approval prompt in the policy hook: it answers after a while.
    const approving = async () => {
      await new Promise((r) => setTimeout(r, 300));
      return 'allow' as const;
    };
    const agent = await startAgent({ socketPath: join(dir, 'run', 'agent.sock'), credentials: vault, policy: approving });
    cleanups.push(() => agent.close());
    const bridge = await bridgeFor('mcp-claude', agent.socketPath);
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { text: 'approved' } }))).toBe('approved');
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
    // rotates in KeyBridge: verified, made active, pushed to the running bridge.
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
