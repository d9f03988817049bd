// Self-test of the fake vendor other tests rely on: its auth gate answers as documented, and a
// real SDK client works against it. (The agent in the tests is the real one, test-agent.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';

const UO_KEY = 'uo_test_aaaaaaaaaaaaaaaa1111';
const UM_KEY = 'umk_live_test_bbbbbbbbbbbb2222';
const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
});

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function vendor(kind: 'uptimeobserver' | 'uptimemonitoring', keys: string[], clock?: () => number): Promise<FakeVendor> {
  const v = await startFakeVendor({ vendor: kind, keys, ...(clock ? { clock } : {}) });
  cleanups.push(() => v.close());
  return v;
}

async function post(url: string, headers: Record<string, string>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: INIT,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

describe('fake vendor auth gate', () => {
  it('UptimeObserver: either header works, both headers, JWT, unknown and revoked keys are refused', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    expect((await post(v.url, { 'X-API-Key': UO_KEY })).status).toBe(200);
    expect((await post(v.url, { Authorization: `Bearer ${UO_KEY}` })).status).toBe(200);
    const both = await post(v.url, { 'X-API-Key': UO_KEY, Authorization: `Bearer ${UO_KEY}` });
    expect(both.status).toBe(401);
    expect(JSON.parse(both.body).error.message).toMatch(/not both/);
    expect((await post(v.url, { 'X-API-Key': 'eyJhbGciOi.eyJzdWIiOiIx.sig' })).status).toBe(401);
    expect((await post(v.url, { 'X-API-Key': 'uo_test_unknown_key_000' })).status).toBe(401);
    v.revokeKey(UO_KEY);
    const revoked = await post(v.url, { 'X-API-Key': UO_KEY });
    expect(revoked.status).toBe(403);
    expect(v.requests.map((r) => r.key)).toContain(UO_KEY);
  });

  it('UptimeMonitoring: bearer only, text/plain JSON 401s, 403s, rotation grace by the clock', async () => {
    let now = 1_000_000;
    const v = await vendor('uptimemonitoring', [UM_KEY], () => now);
    const missing = await post(v.url, { 'X-API-Key': UM_KEY });
    expect(missing).toMatchObject({ status: 401, body: '{"error":"missing authorization"}' });
    expect(missing.type).toMatch(/^text\/plain/);
    expect((await post(v.url, { Authorization: 'Bearer umk_live_test_nope000000' })).body).toBe('{"error":"invalid credentials"}');
    expect((await post(v.url, { Authorization: `Bearer ${UM_KEY}` })).status).toBe(200);
    const next = 'umk_live_test_cccccccccccc3333';
    v.rotate(UM_KEY, next);
    now += 4 * 60 * 1000;
    expect((await post(v.url, { Authorization: `Bearer ${UM_KEY}` })).status).toBe(200);
    now += 2 * 60 * 1000;
    expect((await post(v.url, { Authorization: `Bearer ${UM_KEY}` })).status).toBe(401);
    expect((await post(v.url, { Authorization: `Bearer ${next}` })).status).toBe(200);
    v.suspend(true);
    expect(await post(v.url, { Authorization: `Bearer ${next}` })).toMatchObject({ status: 403, body: '{"error":"account suspended; contact support"}' });
    v.suspend(false);
    v.forbid(next);
    expect(await post(v.url, { Authorization: `Bearer ${next}` })).toMatchObject({ status: 403, body: '{"error":"forbidden"}' });
  });

  it('serves a real SDK client; expired sessions answer 404; failNext fails one request', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const client = new Client({ name: 'self-test', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(v.url), { requestInit: { headers: { 'X-API-Key': UO_KEY } } });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(result.structuredContent).toEqual({ sum: 5 });
    v.failNext(503);
    await expect(client.callTool({ name: 'echo', arguments: { text: 'x' } })).rejects.toThrow(/503/);
    const sessionId = transport.sessionId;
    await v.expireSessions();
    await expect(client.listTools()).rejects.toThrow(/Session not found/);
    expect(v.requests.filter((r) => r.method === 'POST').at(-1)).toMatchObject({ sessionId, status: 404 });
  });
});
