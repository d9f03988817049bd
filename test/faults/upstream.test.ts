// Upstream faults through the built bridge and the real agent, which carries the upstream
// session: the vendor dies and comes back (new process, its sessions gone), 5xx answers, slow
// answers, a connection reset in the middle of an SSE stream, and 1,000 requests in flight
// from several bridges sharing the agent's bounded pool. The assistant side is the real SDK
// Client over stdio.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_UPSTREAM_CONNECTIONS } from '../../src-main/upstream/network-fetch';
import { UPSTREAM_ERROR } from '../../src-shared/jsonrpc-errors';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startTestAgent, type TestAgent } from '../support/test-agent';
import { startBridgeClient, type BridgeClient } from '../support/bridge-process';
import { until } from '../support/until';
import { startTcpRelay, type TcpRelay } from './tcp-relay';

const KEY = 'uo_test_faults_upstream_0001';
const PROFILE = 'faults';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function setup(bridgeCount = 1): Promise<{ vendor: FakeVendor; relay: TcpRelay; agent: TestAgent; bridge: BridgeClient; bridges: BridgeClient[] }> {
  const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  cleanups.push(() => vendor.close());
  const relay = await startTcpRelay(vendor.port);
  cleanups.push(() => relay.close());
  const agent = await startTestAgent({ profiles: { [PROFILE]: { endpoint: relay.url(), auth: 'x-api-key', key: KEY } } });
  cleanups.push(() => agent.close());
  const bridges = await Promise.all(
    Array.from({ length: bridgeCount }, async () => {
      const bridge = await startBridgeClient({ profile: PROFILE, agentSocket: agent.socketPath, logLevel: 'warn' });
      cleanups.push(() => bridge.close());
      return bridge;
    }),
  );
  return { vendor, relay, agent, bridge: bridges[0]!, bridges };
}

const echo = async (bridge: BridgeClient, text: string) => {
  const result = await bridge.client.callTool({ name: 'echo', arguments: { text } });
  return (result.content as { text: string }[])[0]?.text;
};

describe('upstream faults', () => {
  it('vendor killed and restarted mid-session: calls fail clearly while it is down, then the session is re-created transparently', async () => {
    const { vendor, relay, bridge } = await setup();
    expect(await echo(bridge, 'before')).toBe('before');
    const firstSession = vendor.sessionIds[0];

    await relay.kill();
    await vendor.close();
    const down = await bridge.client.callTool({ name: 'echo', arguments: { text: 'down' } }).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    expect(down).toContain(`127.0.0.1:${relay.port}`);
    expect(down).toMatch(/KeyBridge/);
    expect(down).toContain('connection refused');
    expect(down).toContain(`'${PROFILE}'`);

    const restarted = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
    cleanups.push(() => restarted.close());
    relay.target = restarted.port;
    await relay.revive();

    // The restarted vendor knows no session: the agent re-initializes without the assistant noticing.
    expect(await echo(bridge, 'after')).toBe('after');
    expect(await echo(bridge, 'again')).toBe('again');
    const posts = restarted.requests.filter((r) => r.method === 'POST');
    expect(posts.some((r) => r.rpcMethods.includes('initialize'))).toBe(true);
    expect(posts.some((r) => r.status === 404 && r.sessionId === firstSession)).toBe(true);
    expect(restarted.sessionIds).toHaveLength(1);
    expect(restarted.sessionIds[0]).not.toBe(firstSession);
    for (const r of restarted.requests) expect(r.xApiKey).toBe(KEY);
  });

  it.each([500, 502, 503])('HTTP %i: a JSON-RPC error that names the status and the endpoint; the next call works', async (status) => {
    const { vendor, relay, bridge } = await setup();
    vendor.failNext(status);
    const error = await bridge.client.callTool({ name: 'echo', arguments: { text: 'x' } }).then(
      () => null,
      (e: Error & { code?: number; data?: unknown }) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain(String(status));
    expect(error!.message).toContain(`127.0.0.1:${relay.port}`);
    expect(error).toMatchObject({ code: UPSTREAM_ERROR, data: { profile: PROFILE, status } });
    expect(await echo(bridge, 'recovered')).toBe('recovered');
  });

  it('slow answers (3 s each, 8 at once) are waited for, not timed out or duplicated', async () => {
    const { vendor, bridge } = await setup();
    // initialized accepted first: the calls would wait for it (order), and it would be slow too.
    await until(() => vendor.requests.some((r) => r.rpcMethods.includes('notifications/initialized') && r.status === 202), 'initialized');
    vendor.delayMs = 3000;
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => echo(bridge, `slow-${i}`)));
    // Side by side, not one after another (8 × 3 s).
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(answers).toEqual(Array.from({ length: 8 }, (_, i) => `slow-${i}`));
    const calls = vendor.requests.filter((r) => r.rpcMethods.includes('tools/call'));
    expect(calls).toHaveLength(8);
  });

  it('connection reset in the middle of an SSE stream: resumed with Last-Event-ID, nothing lost or repeated', async () => {
    const { vendor, relay, bridge } = await setup();
    const progress: number[] = [];
    let reset = false;
    const result = await bridge.client.callTool({ name: 'slow', arguments: { steps: 6, intervalMs: 250 } }, undefined, {
      timeout: 20_000,
      onprogress: (p) => {
        progress.push(p.progress);
        if (!reset && p.progress === 2) {
          reset = true;
          relay.resetAll();
        }
      },
    });
    expect((result.content as { text: string }[])[0]?.text).toBe('done 6');
    expect(reset).toBe(true);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    const resumed = vendor.requests.filter((r) => r.method === 'GET' && r.lastEventId !== undefined);
    expect(resumed.length).toBeGreaterThan(0);
    // The call itself was sent once.
    expect(vendor.requests.filter((r) => r.rpcMethods.includes('tools/call'))).toHaveLength(1);
    expect(await echo(bridge, 'still fine')).toBe('still fine');
  });

  it('1,000 requests in flight from 4 bridges share one bounded pool of connections (not one socket each)', async () => {
    const { vendor, relay, bridges } = await setup(4);
    vendor.delayMs = 300;
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, relay.open)), 10);
    try {
      const answers = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          bridges[i % 4]!.client.callTool({ name: 'echo', arguments: { text: `c${i}` } }, undefined, { timeout: 120_000 }).then((r) => (r.content as { text: string }[])[0]?.text),
        ),
      );
      expect(answers).toEqual(Array.from({ length: 1000 }, (_, i) => `c${i}`));
    } finally {
      clearInterval(watch);
    }
    // One pool per origin for every session of the agent: without it, ~1,000 sockets (and with
    // that, intermittent "connection closed unexpectedly"). With it, the requests still run
    // side by side, not one after another.
    expect(MAX_UPSTREAM_CONNECTIONS).toBe(64);
    expect(most).toBeLessThanOrEqual(MAX_UPSTREAM_CONNECTIONS);
    expect(most).toBeGreaterThan(8);
    expect(vendor.sessionIds).toHaveLength(4);
    expect(vendor.requests.filter((r) => r.rpcMethods.includes('tools/call'))).toHaveLength(1000);
  }, 120_000);
});
