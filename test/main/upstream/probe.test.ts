// The verify probe (src-main/upstream/probe.ts) against the fake vendor over real HTTP with the
// real SDK client: the same auth header, network settings and error wording as the sessions.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeEndpoint } from '../../../src-main/upstream/probe';
import { startConnectProxy } from '../../support/connect-proxy';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { createTestCertificates, startHttpsFront } from '../../support/tls';

const UO_KEY = 'uo_test_aaaaaaaaaaaa1a2b';
const UM_KEY = 'umk_live_test_aaaaaaaa9f3a';

let vendors: FakeVendor[] = [];
afterEach(async () => {
  await Promise.all(vendors.map((v) => v.close()));
  vendors = [];
});
async function vendor(kind: 'uptimeobserver' | 'uptimemonitoring', keys: string[]) {
  const v = await startFakeVendor({ vendor: kind, keys });
  vendors.push(v);
  return v;
}

describe('probeEndpoint', () => {
  it('initializes, lists tools and closes the session, with exactly the X-API-Key header', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const result = await probeEndpoint({ profile: 'p', endpoint: v.url, auth: 'x-api-key', key: UO_KEY });
    expect(result).toMatchObject({ ok: true, serverName: 'fake-uptimeobserver', serverVersion: '1.0.0' });
    expect(result.ok && result.toolCount).toBeGreaterThan(3);
    expect(result.ok && result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(v.requests.length).toBeGreaterThanOrEqual(3);
    for (const r of v.requests) expect([r.xApiKey, r.authorization]).toEqual([UO_KEY, undefined]);
    expect(v.requests.map((r) => r.rpcMethods.join()).filter(Boolean)).toEqual(['initialize', 'notifications/initialized', 'tools/list']);
    expect(v.requests.at(-1)?.method).toBe('DELETE');
    expect(v.sessionIds).toEqual([]);
  });

  it('sends a bearer token alone for bearer profiles, through the given fetch', async () => {
    const v = await vendor('uptimemonitoring', [UM_KEY]);
    let calls = 0;
    const counting: typeof fetch = (url, init) => {
      calls++;
      return fetch(url, init);
    };
    const result = await probeEndpoint({ profile: 'p', endpoint: v.url, auth: 'bearer', key: UM_KEY }, { fetch: counting });
    expect(result.ok).toBe(true);
    expect(calls).toBe(v.requests.length);
    for (const r of v.requests) expect([r.xApiKey, r.authorization]).toEqual([undefined, `Bearer ${UM_KEY}`]);
  });

  it("reports the vendor's words for 401 and 403, parsing text/plain JSON bodies", async () => {
    const uo = await vendor('uptimeobserver', [UO_KEY]);
    const bad = await probeEndpoint({ profile: 'mcp-claude', endpoint: uo.url, auth: 'x-api-key', key: 'uo_test_wrongwrongwrong' });
    expect(bad).toMatchObject({ ok: false, status: 401 });
    // Shown inside the app (verify, test): no "KeyBridge:", the vendor's words kept apart too.
    expect(bad).toMatchObject({ message: '127.0.0.1:' + new URL(uo.url).port + ' rejected the key (401 invalid API key).', detail: 'invalid API key' });
    uo.revokeKey(UO_KEY);
    const revoked = await probeEndpoint({ profile: 'mcp-claude', endpoint: uo.url, auth: 'x-api-key', key: UO_KEY });
    expect(revoked).toMatchObject({ ok: false, status: 403, message: expect.stringContaining('(403 API key revoked)') });

    const um = await vendor('uptimemonitoring', [UM_KEY]);
    const missing = await probeEndpoint({ profile: 'p', endpoint: um.url, auth: 'bearer', key: 'umk_live_test_unknown00' });
    expect(missing).toMatchObject({ ok: false, status: 401, message: expect.stringContaining('(401 invalid credentials)') });
    um.suspend(true);
    const suspended = await probeEndpoint({ profile: 'p', endpoint: um.url, auth: 'bearer', key: UM_KEY });
    expect(suspended).toMatchObject({ ok: false, status: 403, message: expect.stringContaining('account suspended; contact support') });
  });

  it('reports server errors, wrong URLs, refused connections and timeouts', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    v.failNext(502, '{"error":"bad gateway"}');
    const failed = await probeEndpoint({ profile: 'p', endpoint: v.url, auth: 'x-api-key', key: UO_KEY });
    expect(failed).toMatchObject({ ok: false, status: 502, message: expect.stringContaining('has a problem (502 bad gateway); try again shortly') });
    const wrongPath = await probeEndpoint({ profile: 'p', endpoint: v.url.replace('/mcp', '/nope'), auth: 'x-api-key', key: UO_KEY });
    expect(wrongPath).toMatchObject({ ok: false, status: 404 });

    const port = await closedPort();
    const refused = await probeEndpoint({ profile: 'p', endpoint: `http://127.0.0.1:${port}/mcp`, auth: 'x-api-key', key: UO_KEY });
    // The sessions' wording (src-shared/vendor-errors.ts), for the app: one copy of the wording.
    expect(refused).toMatchObject({ ok: false, status: null, message: `Could not reach 127.0.0.1:${port} (connection refused).` });

    v.delayMs = 3000;
    const started = Date.now();
    const slow = await probeEndpoint({ profile: 'p', endpoint: v.url, auth: 'x-api-key', key: UO_KEY }, { timeoutMs: 300 });
    expect(slow).toMatchObject({ ok: false, status: null, message: expect.stringContaining('no answer within') });
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('probeEndpoint with the network settings', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('goes through the configured proxy and trusts the extra CA certificates', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const certs = await createTestCertificates();
    cleanups.push(() => certs.dispose());
    const front = await startHttpsFront(v.port, certs);
    cleanups.push(() => front.close());
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const target = { profile: 'p', endpoint: front.url, auth: 'x-api-key' as const, key: UO_KEY };

    const untrusted = await probeEndpoint(target);
    expect(untrusted).toMatchObject({ ok: false, status: null, message: expect.stringContaining('TLS certificate not trusted') });

    const result = await probeEndpoint(target, { network: { proxy: proxy.url, extraCaCerts: certs.caFile } });
    expect(result).toMatchObject({ ok: true, serverName: 'fake-uptimeobserver' });
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(proxy.tunnels.every((t) => t === `127.0.0.1:${front.port}`)).toBe(true);

    const tunnels = proxy.tunnels.length;
    const bypass = await probeEndpoint(target, { network: { proxy: proxy.url, noProxy: '127.0.0.1', extraCaCerts: certs.caFile } });
    expect(bypass.ok).toBe(true);
    expect(proxy.tunnels.length).toBe(tunnels);

    const missingCa = await probeEndpoint(target, { network: { extraCaCerts: `${certs.dir}/nope.pem` } });
    expect(missingCa).toMatchObject({ ok: false, status: null, message: expect.stringContaining('cannot read the extra CA certificates') });
  });
});
