// The agent's upstream fetch (src-main/upstream/auth-fetch.ts) against real HTTP on 127.0.0.1:
// exactly one auth header from the credentials of the moment, the stream guard's "no stream", the
// abort signal a GET keeps, and the fetch pools (one per network setting, closed together).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthFetch, createFetchPool, NoCredentialsError, type FetchPool } from '../../../src-main/upstream/auth-fetch';
import type { UpstreamCredentials } from '../../../src-main/upstream/credentials';
import type { UpstreamLog } from '../../../src-main/upstream/log';
import { StreamGuard } from '../../../src-main/upstream/stream-guard';
import { startConnectProxy, type ConnectProxy } from '../../support/connect-proxy';
import { startHandServer, type HandServer } from '../support/upstream-rig';

const KEY = 'uo_test_auth_fetch_000000000001';

let server: HandServer;
let pool: FetchPool;
let proxy: ConnectProxy | undefined;
let dir: string | undefined;
let warnings: string[];

beforeEach(async () => {
  server = await startHandServer();
  warnings = [];
  const log: UpstreamLog = { warn: (m) => void warnings.push(m), info: () => undefined, debug: () => undefined, debugEnabled: false };
  pool = createFetchPool(log);
});
afterEach(async () => {
  await pool.close();
  await server.close();
  await proxy?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  proxy = dir = undefined;
});

const credentials = (extra: Partial<UpstreamCredentials> = {}): UpstreamCredentials => ({ endpoint: server.url, auth: 'bearer', key: KEY, keyId: 'sha256:af', ...extra });
const post = (id: number, headers: HeadersInit = {}) => ({ method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call' }) });

describe('the auth header', () => {
  it('is exactly one, in the style of the credentials of the moment, whatever the caller set', async () => {
    let current: UpstreamCredentials | null = credentials();
    const fetch = createAuthFetch({ credentials: () => current, pool, noCredentialsMessage: () => 'no key' });
    server.hold('tools/call');
    const smuggled = { Authorization: 'Bearer uo_test_smuggled_00000001', 'X-API-Key': 'uo_test_smuggled_00000002' };

    const first = fetch(server.url, post(1, smuggled));
    const bearer = await server.next('tools/call');
    expect([bearer.headers.authorization, bearer.headers['x-api-key']]).toEqual([`Bearer ${KEY}`, undefined]);
    bearer.json({ jsonrpc: '2.0', id: 1, result: {} });
    expect((await first).status).toBe(200);

    current = credentials({ auth: 'x-api-key' });
    const second = fetch(server.url, post(2, new Headers(smuggled)));
    const apiKey = await server.next('tools/call');
    expect([apiKey.headers.authorization, apiKey.headers['x-api-key']]).toEqual([undefined, KEY]);
    apiKey.json({ jsonrpc: '2.0', id: 2, result: {} });
    expect((await second).status).toBe(200);
  });

  it('no credentials: the reason, and nothing sent', async () => {
    const fetch = createAuthFetch({ credentials: () => null, pool, noCredentialsMessage: () => "The key for 'p' was removed." });
    const refused = fetch(server.url, post(3));
    await expect(refused).rejects.toBeInstanceOf(NoCredentialsError);
    await expect(refused).rejects.toThrow("The key for 'p' was removed.");
    expect(server.exchanges).toEqual([]);
  });
});

describe('GET', () => {
  it('a GET the stream guard refuses is answered 405 here, with or without an explicit method', async () => {
    const guard = new StreamGuard();
    const fetch = createAuthFetch({ credentials: () => credentials(), pool, guard, noCredentialsMessage: () => 'no key' });
    server.hold('GET');
    // The session opens the GET stream itself: that one goes out...
    guard.ownStandaloneStream();
    const own = fetch(server.url);
    const arrived = await server.next('GET');
    arrived.sse([], true);
    expect((await own).status).toBe(200);
    // ...the transport's own attempt after it does not.
    const theirs = await fetch(server.url, { method: 'GET' });
    expect(theirs.status).toBe(405);
    expect(server.exchanges.filter((e) => e.method === 'GET')).toHaveLength(1);
    guard.ownStandaloneStream();
    const again = fetch(server.url, { method: 'GET' });
    (await server.next('GET')).sse([], true);
    expect((await again).status).toBe(200);
    expect((await fetch(server.url)).status).toBe(405);
    expect(server.exchanges.filter((e) => e.method === 'GET')).toHaveLength(2);
  });

  it("a GET keeps the caller's abort signal (closing the transport ends the stream); a POST does not", async () => {
    const fetch = createAuthFetch({ credentials: () => credentials(), pool, noCredentialsMessage: () => 'no key' });
    server.hold('GET', 'tools/call');
    const aborter = new AbortController();
    const get = fetch(server.url, { method: 'GET', signal: aborter.signal });
    const stream = await server.next('GET');
    stream.sse([], true);
    const response = await get;
    const postAborter = new AbortController();
    const posting = fetch(server.url, { ...post(4), signal: postAborter.signal });
    const held = await server.next('tools/call');
    aborter.abort();
    postAborter.abort();
    await stream.aborted;
    await expect(response.text()).rejects.toThrow();
    held.json({ jsonrpc: '2.0', id: 4, result: {} });
    expect(await (await posting).json()).toEqual({ jsonrpc: '2.0', id: 4, result: {} });
  });
});

describe('pools', () => {
  it('plain settings share one pool; a proxy gets its own, and is used', async () => {
    expect(await pool.fetchFor(undefined)).toBe(await pool.fetchFor({}));
    expect(await pool.fetchFor({ noProxy: 'localhost' })).toBe(await pool.fetchFor(undefined));
    proxy = await startConnectProxy();
    const viaProxy = await pool.fetchFor({ proxy: proxy.url });
    expect(viaProxy).not.toBe(await pool.fetchFor(undefined));
    expect(await pool.fetchFor({ proxy: proxy.url })).toBe(viaProxy);

    const fetch = createAuthFetch({ credentials: () => credentials({ network: { proxy: proxy!.url } }), pool, noCredentialsMessage: () => 'no key' });
    const answer = await fetch(server.url, post(5));
    expect(await answer.json()).toEqual({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' } });
    expect(proxy.tunnels).toEqual([new URL(server.url).host]);
  });

  it('unusable settings are reported, and tried again on the next request', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-auth-fetch-'));
    const ca = join(dir, 'ca.pem');
    const failing = pool.fetchFor({ extraCaCerts: ca });
    const message = `cannot read the extra CA certificates ${ca} (ENOENT); fix the path in KeyBridge's settings`;
    await expect(failing).rejects.toThrow(message);
    expect(warnings).toEqual([message]);
    await writeFile(ca, rootCertificates[0]!);
    const fetch = createAuthFetch({ credentials: () => credentials({ network: { extraCaCerts: ca } }), pool, noCredentialsMessage: () => 'no key' });
    expect((await fetch(server.url, post(6))).status).toBe(404);
  });

  it('close() ends requests under way, and settles while a pool is still being set up', async () => {
    const fetch = createAuthFetch({ credentials: () => credentials(), pool, noCredentialsMessage: () => 'no key' });
    server.hold('tools/call');
    const under = fetch(server.url, post(7));
    const held = await server.next('tools/call');
    dir = await mkdtemp(join(tmpdir(), 'kb-auth-fetch-'));
    const failing = expect(pool.fetchFor({ extraCaCerts: join(dir, 'missing.pem') })).rejects.toThrow(/cannot read the extra CA certificates/);
    const ended = expect(under).rejects.toThrow();
    await pool.close();
    await held.aborted;
    await ended;
    await failing;
  });
});
