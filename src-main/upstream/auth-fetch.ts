// The fetch the SDK's StreamableHTTPClientTransport uses upstream. At request time it sets
// exactly one auth header from the current credentials (so a rotation applies to the next
// request without reconnecting), routes through the user's proxy/CA settings when given, and
// works around two SDK 1.32.2 pitfalls (see the comments below).
import { readFile } from 'node:fs';
import { promisify } from 'node:util';
import { rootCertificates } from 'node:tls';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CredentialsFrame, NetworkSettings } from '../src-shared/agent-protocol';
import type { Logger } from './log';
import type { StreamGuard } from './stream-guard';

/** Thrown instead of a request when there is no key to send (revoked meanwhile). */
export class NoCredentialsError extends Error {}

export interface AuthFetchOptions {
  credentials: () => CredentialsFrame | null;
  guard: StreamGuard;
  log: Logger;
  /** What to say when a request finds no credentials. */
  noCredentialsMessage: () => string;
}

/** Upstream sockets per bridge. The runtime's fetch opens one per request in flight (1,000
 * in flight = 1,000 sockets, and resets under load); undici's Agent queues beyond this. */
export const MAX_UPSTREAM_CONNECTIONS = 32;

export function createAuthFetch({ credentials, guard, log, noCredentialsMessage }: AuthFetchOptions): FetchLike {
  let network: { signature: string; fetch: Promise<FetchLike> } | null = null;
  // undici's pool costs ~60 ms to load: a bridge that never has more than
  // MAX_UPSTREAM_CONNECTIONS requests waiting for their response keeps the runtime's fetch
  // (it reuses idle sockets); the first burst beyond that loads the pool and waits for it.
  let pool: Promise<FetchLike> | null = null;
  let inFlight = 0;
  const poolFetch = (): Promise<FetchLike> =>
    (pool ??= networkFetch({}, log).catch((error: unknown) => {
      log.warn(`connection pool unavailable (${String(error)}); using the runtime's fetch`);
      return fetch;
    }));

  const baseFetchFor = (settings: NetworkSettings | undefined): FetchLike | Promise<FetchLike> => {
    if (!settings || (!settings.proxy && !settings.extraCaCerts)) {
      return pool || inFlight > MAX_UPSTREAM_CONNECTIONS ? poolFetch() : fetch;
    }
    const signature = JSON.stringify(settings);
    if (network?.signature !== signature) network = { signature, fetch: networkFetch(settings, log) };
    return network.fetch;
  };

  return async (url, init = {}) => {
    const creds = credentials();
    if (!creds) throw new NoCredentialsError(noCredentialsMessage());
    const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    headers.delete('authorization');
    headers.delete('x-api-key');
    if (creds.auth === 'bearer') headers.set('authorization', `Bearer ${creds.key}`);
    else headers.set('x-api-key', creds.key);

    const method = init.method ?? 'GET';
    // 405 = "no SSE stream here": the transport gives up quietly (see stream-guard.ts).
    if (method === 'GET' && !guard.allowsGet(headers.get('last-event-id'))) return new Response(null, { status: 405 });
    // The transport passes ONE long-lived AbortSignal to every fetch; undici adds a listener
    // per request that lingers, so over a long session they pile up (MaxListenersExceeded).
    // POSTs drop it (the process exits on shutdown; a dead session fails its POSTs anyway);
    // the rare GET/DELETE keep it so closing the transport still ends the GET stream.
    const signal = method === 'POST' ? undefined : init.signal;
    inFlight++;
    try {
      const base = baseFetchFor(creds.network);
      const doFetch = typeof base === 'function' ? base : await base;
      return await doFetch(url, { ...init, headers, signal });
    } finally {
      inFlight--;
    }
  };
}

/** A fetch through undici over a bounded pool, with the user's proxy and extra CA
 * certificates when set (loaded on demand). */
async function networkFetch(settings: NetworkSettings, log: Logger): Promise<FetchLike> {
  const undici = await import('undici');
  let ca: string[] | undefined;
  if (settings.extraCaCerts) {
    try {
      ca = [...rootCertificates, await promisify(readFile)(settings.extraCaCerts, 'utf8')];
    } catch (error) {
      log.warn(`cannot read extra CA certificates ${settings.extraCaCerts} (${(error as NodeJS.ErrnoException).code ?? String(error)}); using the system ones`);
    }
  }
  const tls = ca ? { ca } : undefined;
  const connections = MAX_UPSTREAM_CONNECTIONS;
  const dispatcher = settings.proxy
    ? new undici.EnvHttpProxyAgent({
        httpProxy: settings.proxy,
        httpsProxy: settings.proxy,
        noProxy: settings.noProxy ?? '',
        connections,
        ...(tls ? { connect: tls, requestTls: tls } : {}),
      })
    : new undici.Agent({ connections, ...(tls ? { connect: tls } : {}) });
  type UndiciInit = NonNullable<Parameters<typeof undici.fetch>[1]>;
  return (url, init) => undici.fetch(url, { ...(init as UndiciInit), dispatcher }) as unknown as Promise<Response>;
}
