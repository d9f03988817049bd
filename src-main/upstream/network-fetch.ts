// A fetch for the probe that goes out the way the user set in KeyBridge (proxy, no-proxy
// list, extra CA certificates), the same settings the bridges get in their credentials.
// Electron's main process does not use the system proxy for Node's fetch, so without this a
// key that works through a corporate proxy would fail to verify.
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { NetworkSettings } from '../../src-shared/agent-protocol';

export interface NetworkFetch {
  fetch: FetchLike;
  /** Closes the connections it opened. */
  close(): Promise<void>;
}

export class NetworkSettingsError extends Error {}

/** Null when the settings ask for nothing special (the runtime's fetch will do). */
export async function createNetworkFetch(network: NetworkSettings | undefined): Promise<NetworkFetch | null> {
  if (!network?.proxy && !network?.extraCaCerts) return null;
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
  const dispatcher = network.proxy
    ? new undici.EnvHttpProxyAgent({
        httpProxy: network.proxy,
        httpsProxy: network.proxy,
        noProxy: network.noProxy ?? '',
        ...(tls ? { connect: tls, requestTls: tls } : {}),
      })
    : new undici.Agent(tls ? { connect: tls } : {});
  type UndiciInit = NonNullable<Parameters<typeof undici.fetch>[1]>;
  return {
    // undici's Response is the runtime's Response in all but its type declarations.
    fetch: (url, init) => undici.fetch(url, { ...(init as UndiciInit), dispatcher }) as unknown as Promise<Response>,
    close: () => dispatcher.close(),
  };
}
