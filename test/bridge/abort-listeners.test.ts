// SDK 1.32.2 pitfall: StreamableHTTPClientTransport passes ONE long-lived AbortSignal to every
// fetch and each request leaves an abort listener on it, so a session of hours grows without
// bound. Measured in process on the real SDK transport against the fake vendor: with the
// runtime's fetch the listeners grow with every request; with the agent's auth fetch (the one every
// upstream session uses, src-main/upstream/auth-fetch.ts) they stay flat.
import { afterEach, describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { createAuthFetch, createFetchPool, type FetchPool } from '../../src-main/upstream/auth-fetch';
import { silentLog } from '../../src-main/upstream/log';
import { StreamGuard } from '../../src-main/upstream/stream-guard';

const KEY = 'uo_test_listeners_aaaaaaaa07';
const REQUESTS = 400;

let vendor: FakeVendor | undefined;
let client: Client | undefined;
let pool: FetchPool | undefined;

afterEach(async () => {
  await client?.close();
  await pool?.close();
  await vendor?.close();
  client = vendor = pool = undefined;
});

/** The most abort listeners seen on the transport's long-lived signal during REQUESTS pings. `fetchFor`
 * gives the fetch to use for the vendor's URL (undefined: the runtime's, with a static header). */
async function mostListenersDuringPings(fetchFor: (url: string) => FetchLike | undefined): Promise<number> {
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  const fetch = fetchFor(vendor.url);
  const transport = new StreamableHTTPClientTransport(new URL(vendor.url), fetch ? { fetch } : { requestInit: { headers: { 'X-API-Key': KEY } } });
  client = new Client({ name: 'listeners', version: '1' });
  await client.connect(transport);
  // The SDK keeps its controller private; its signal is what the pitfall is about.
  const signal = (transport as unknown as { _abortController: AbortController })._abortController.signal;
  let most = 0;
  for (let i = 0; i < REQUESTS; i++) {
    await client.ping();
    most = Math.max(most, getEventListeners(signal, 'abort').length);
  }
  return most;
}

describe('abort listeners over a long session', () => {
  it('the SDK transport with the runtime fetch piles up a listener per request (the pitfall is real)', async () => {
    // Some are reclaimed when the garbage collector gets to them, so not exactly one each.
    expect(await mostListenersDuringPings(() => undefined)).toBeGreaterThan(REQUESTS / 4);
  });

  it('with the agent’s auth fetch they stay flat', async () => {
    const count = await mostListenersDuringPings((endpoint) => {
      pool = createFetchPool(silentLog);
      const credentials = { endpoint, auth: 'x-api-key' as const, key: KEY, keyId: 'sha256:00000000' };
      return createAuthFetch({ credentials: () => credentials, pool, guard: new StreamGuard(), noCredentialsMessage: () => 'no key' });
    });
    expect(count).toBeLessThanOrEqual(3);
    expect(vendor!.requests.every((r) => r.xApiKey === KEY && r.authorization === undefined)).toBe(true);
  });
});
