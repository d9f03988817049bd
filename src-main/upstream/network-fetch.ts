// A fetch that goes out the way the user set in KeyBridge (proxy, no-proxy list, extra CA
// certificates) over a bounded undici pool. Electron's main process does not use the system
// proxy for Node's fetch, so without this a key that works through a corporate proxy would fail.
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { NetworkSettings } from '../../src-shared/endpoint';
import { UserError } from '../../src-shared/user-error';

export interface NetworkFetch {
  fetch: FetchLike;
  /** Closes the connections it opened, once the requests under way are done. */
  close(): Promise<void>;
  /** Closes the connections it opened now, aborting the requests under way. */
  destroy(): Promise<void>;
}

export class NetworkSettingsError extends UserError {}

/** Sockets per origin, for every session of the agent together. The runtime's fetch opens one
 * per request in flight (1,000 in flight = 1,000 sockets, and resets under load); undici's
 * Agent queues beyond this. */
export const MAX_UPSTREAM_CONNECTIONS = 64;

/** Whether the settings ask for anything beyond the runtime's fetch. */
export function needsNetworkFetch(network: NetworkSettings | undefined): boolean {
  return !!(network?.proxy || network?.extraCaCerts);
}

/** Throws NetworkSettingsError when the extra CA file cannot be read. */
export async function createNetworkFetch(network: NetworkSettings = {}): Promise<NetworkFetch> {
  let tls: { ca: string[] } | undefined;
  if (network.extraCaCerts) {
    try {
      tls = { ca: [...rootCertificates, await readFile(network.extraCaCerts, 'utf8')] };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new NetworkSettingsError(`cannot read the extra CA certificates ${network.extraCaCerts} (${code}); fix the path in KeyBridge's settings`);
    }
  }
  const undici = await import('undici');
  const connections = MAX_UPSTREAM_CONNECTIONS;
  const dispatcher = network.proxy
    ? new undici.EnvHttpProxyAgent({
        httpProxy: network.proxy,
        httpsProxy: network.proxy,
        noProxy: network.noProxy ?? '',
        connections,
        ...(tls ? { connect: tls, requestTls: tls } : {}),
      })
    : new undici.Agent({ connections, ...(tls ? { connect: tls } : {}) });
  type UndiciInit = NonNullable<Parameters<typeof undici.fetch>[1]>;
  return {
    // undici's Response is the runtime's Response in all but its type declarations.
    fetch: (url, init) => undici.fetch(url, { ...(init as UndiciInit), dispatcher }) as unknown as Promise<Response>,
    close: () => dispatcher.close(),
    destroy: () => dispatcher.destroy(),
  };
}
