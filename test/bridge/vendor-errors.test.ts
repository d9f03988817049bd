// Each vendor failure, as the assistant sees it through the built bridge: a JSON-RPC error with
// the request's id naming the profile, the status, the vendor's words and the fix, mapped by
// the agent's upstream session; and the same failure in the agent's live view of the session
// (what the tray shows) and its activity log.
import { describe, expect, it } from 'vitest';
import { startFakeVendor, type FakeVendor, type FakeVendorKind } from '../support/fake-vendor';
import { startTestAgent, type TestAgent } from '../support/test-agent';
import { INITIALIZE, spawnBridge, type RawBridge } from '../support/bridge-process';
import { stopAfterTest } from '../support/stop-after-test';
import { until } from '../support/until';
import type { AuthStyle } from '../../src-shared/endpoint';

const UO_KEY = 'uo_test_errors_aaaaaaaaaaaa01';
const UM_KEY = 'umk_live_test_errors_bbbbbbbb02';

let vendor: FakeVendor | undefined;
let agent: TestAgent | undefined;
let bridge: RawBridge | undefined;

async function setUp(kind: FakeVendorKind, key: string, auth: AuthStyle, vendorKeys = [key]): Promise<RawBridge> {
  vendor = stopAfterTest(await startFakeVendor({ vendor: kind, keys: vendorKeys }));
  agent = stopAfterTest(await startTestAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth, key } } }));
  bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: agent.socketPath }));
  return bridge;
}

async function initializeError(b: RawBridge): Promise<{ code: number; message: string; data?: { status?: number | null } }> {
  b.send(INITIALIZE);
  const answer = await b.next((m) => m.id === 1);
  expect(answer.result).toBeUndefined();
  return answer.error as { code: number; message: string };
}

const rejected = (status: number, words: string) =>
  `KeyBridge: the vendor rejected the key for 'mcp-claude' (${status} ${words}). Rotate or re-enter it in KeyBridge.`;

describe('vendor errors through the bridge', () => {
  it('UptimeMonitoring 401 invalid credentials (text/plain body parsed as JSON)', async () => {
    const b = await setUp('uptimemonitoring', UM_KEY, 'bearer', ['umk_live_test_some_other_key_000']);
    const error = await initializeError(b);
    expect(error).toMatchObject({ code: -32000, message: rejected(401, 'invalid credentials'), data: { status: 401, profile: 'mcp-claude' } });
    await until(() => agent!.sessions().some((v) => v.errors > 0), 'the failure in the session view');
    expect(agent!.sessions()).toEqual([expect.objectContaining({ profile: 'mcp-claude', upstream: 'failing', lastError: expect.objectContaining({ status: 401, message: 'invalid credentials' }) })]);
    expect(agent!.activity).toContainEqual(expect.objectContaining({ level: 'error', profile: 'mcp-claude', message: expect.stringContaining("'mcp-claude' is failing (401 invalid credentials)") }));
  });

  it('UptimeMonitoring 401 missing authorization (profile set to the wrong header style)', async () => {
    const b = await setUp('uptimemonitoring', UM_KEY, 'x-api-key');
    expect((await initializeError(b)).message).toBe(rejected(401, 'missing authorization'));
  });

  it('UptimeMonitoring 403 suspended and 403 forbidden, mid-session, with the request id', async () => {
    const b = await setUp('uptimemonitoring', UM_KEY, 'bearer');
    b.send(INITIALIZE);
    await b.next((m) => m.id === 1 && !!m.result);
    b.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    vendor!.suspend(true);
    b.send({ jsonrpc: '2.0', id: 'call-7', method: 'tools/list' });
    expect((await b.next((m) => m.id === 'call-7')).error).toMatchObject({ message: rejected(403, 'account suspended; contact support') });
    vendor!.suspend(false);
    vendor!.forbid(UM_KEY);
    b.send({ jsonrpc: '2.0', id: 8, method: 'tools/list' });
    expect((await b.next((m) => m.id === 8)).error).toMatchObject({ message: rejected(403, 'forbidden') });
  });

  it('UptimeObserver: unknown key 401, revoked key 403, JWT 401', async () => {
    let b = await setUp('uptimeobserver', UO_KEY, 'x-api-key', []);
    expect((await initializeError(b)).message).toBe(rejected(401, 'invalid API key'));
    await bridge!.stop();
    vendor!.addKey(UO_KEY);
    vendor!.revokeKey(UO_KEY);
    b = bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: agent!.socketPath }));
    expect((await initializeError(b)).message).toBe(rejected(403, 'API key revoked'));
    await bridge.stop();
    await agent!.pushCredentials('mcp-claude', { endpoint: vendor!.url, auth: 'bearer', key: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl' });
    b = bridge = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: agent!.socketPath }));
    expect((await initializeError(b)).message).toBe(rejected(401, 'JWT tokens are not accepted on /mcp; use an MCP API key'));
  });

  it('5xx names the endpoint; the session carries on after it', async () => {
    const b = await setUp('uptimeobserver', UO_KEY, 'x-api-key');
    b.send(INITIALIZE);
    await b.next((m) => m.id === 1 && !!m.result);
    b.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    vendor!.failNext(502, '<html>Bad Gateway</html>', { contentType: 'text/html' });
    b.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect((await b.next((m) => m.id === 2)).error).toMatchObject({
      code: -32000,
      message: `KeyBridge: ${vendor!.url} failed for 'mcp-claude' (502 <html>Bad Gateway</html>). The vendor's server has a problem; try again shortly.`,
    });
    b.send({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
    expect((await b.next((m) => m.id === 3)).result).toBeDefined();
    // The view follows: failing after the 502, answering again after the next request.
    await until(() => agent!.sessions()[0]?.upstream === 'ok', 'the session answering again');
    expect(agent!.sessions()[0]).toMatchObject({ errors: 1, lastError: { status: 502 } });
  });

  it('upstream down: connection refused names the endpoint, at initialize and mid-session', async () => {
    const b = await setUp('uptimeobserver', UO_KEY, 'x-api-key');
    b.send(INITIALIZE);
    await b.next((m) => m.id === 1 && !!m.result);
    b.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const url = vendor!.url;
    await vendor!.close();
    b.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect((await b.next((m) => m.id === 2)).error).toMatchObject({
      code: -32000,
      message: `KeyBridge: could not reach ${url} for 'mcp-claude' (connection refused). Check your network or proxy settings in KeyBridge.`,
      data: { status: null },
    });
    // And a fresh bridge against the dead endpoint gets the same at initialize.
    const fresh = spawnBridge({ profile: 'mcp-claude', agentSocket: agent!.socketPath });
    try {
      expect((await initializeError(fresh)).message).toMatch(/^KeyBridge: could not reach .* \(connection refused\)/);
    } finally {
      await fresh.stop();
    }
  });
});
