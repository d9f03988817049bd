// The fetch the SDK's StreamableHTTPClientTransport uses upstream. At request time it sets
// exactly one auth header from the current credentials (so a rotation applies to the next
// request without reconnecting), routes through the user's proxy/CA settings, and works
// around an SDK 1.32.2 pitfall (the long-lived AbortSignal, below).
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { AuthStyle, NetworkSettings } from '../../src-shared/endpoint';
import type { UpstreamCredentials } from './credentials';
import type { UpstreamLog } from './log';
import { createNetworkFetch, needsNetworkFetch, type NetworkFetch } from './network-fetch';
import type { StreamGuard } from './stream-guard';

/** Thrown instead of a request when there is no key to send (removed or paused meanwhile). */
export class NoCredentialsError extends Error {}

/** The one auth header the vendor expects; any other auth header is dropped. */
export function setAuthHeader(headers: Headers, auth: AuthStyle, key: string): Headers {
  headers.delete('authorization');
  headers.delete('x-api-key');
  if (auth === 'bearer') headers.set('authorization', `Bearer ${key}`);
  else headers.set('x-api-key', key);
  return headers;
}

/** One pool per distinct network setting, shared by every session of this process. */
export interface FetchPool {
  fetchFor(network: NetworkSettings | undefined): Promise<FetchLike>;
  /** Closes every connection now, aborting requests still under way (POSTs carry no abort
   * signal, see below: a response still streaming would otherwise keep the pool open). */
  close(): Promise<void>;
}

export function createFetchPool(log: UpstreamLog): FetchPool {
  const pools = new Map<string, Promise<NetworkFetch>>();
  return {
    async fetchFor(network) {
      // Plain settings still go through a bounded pool: many sessions share this process.
      const settings: NetworkSettings = needsNetworkFetch(network) ? { ...network } : {};
      const key = JSON.stringify(settings);
      let pool = pools.get(key);
      if (!pool) {
        pool = createNetworkFetch(settings).catch((error: unknown) => {
          pools.delete(key);
          throw error;
        });
        pools.set(key, pool);
      }
      const made = await pool.catch((error: unknown) => {
        log.warn(String(error instanceof Error ? error.message : error));
        throw error;
      });
      return made.fetch;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      // A pool still being set up when its settings turn out unusable has nothing to destroy.
      await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.destroy()));
    },
  };
}

export interface AuthFetchOptions {
  credentials: () => UpstreamCredentials | null;
  pool: FetchPool;
  /** Absent for one-shot uses (the verify probe) that need no stream guard. */
  guard?: StreamGuard;
  /** What to say when a request finds no credentials. */
  noCredentialsMessage: () => string;
}

export function createAuthFetch({ credentials, pool, guard, noCredentialsMessage }: AuthFetchOptions): FetchLike {
  return async (url, init = {}) => {
    const creds = credentials();
    if (!creds) throw new NoCredentialsError(noCredentialsMessage());
    const headers = setAuthHeader(new Headers(init.headers), creds.auth, creds.key);
    const method = init.method ?? 'GET';
    // 405 = "no SSE stream here": the transport gives up quietly (see stream-guard.ts).
    if (method === 'GET' && guard && !guard.allowsGet(headers.get('last-event-id'))) return new Response(null, { status: 405 });
    // The transport passes ONE long-lived AbortSignal to every fetch; undici adds a listener
    // per request that lingers, so over a long session they pile up (MaxListenersExceeded).
    // POSTs drop it (a closed session fails its POSTs anyway); the rare GET/DELETE keep it so
    // closing the transport still ends the GET stream.
    const signal = method === 'POST' ? undefined : init.signal;
    const doFetch = await pool.fetchFor(creds.network);
    return doFetch(url, { ...init, headers, signal });
  };
}
