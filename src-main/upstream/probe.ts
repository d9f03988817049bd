// The verify probe: a real MCP initialize + tools/list against the endpoint with one key,
// then the session is closed (DELETE). Answers src-shared's ProbeResult: the server's name,
// version, tool count and latency, or the vendor's refusal in the words the user sees. Same
// auth header, network settings and error wording as the sessions (auth-fetch, errors).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { AuthStyle, NetworkSettings } from '../../src-shared/endpoint';
import type { ProbeResult } from '../../src-shared/profile';
import { describeUpstreamFailure, vendorMessage } from '../../src-shared/vendor-errors';
import { setAuthHeader } from './auth-fetch';
import { networkDetail } from './errors';
import { createNetworkFetch, NetworkSettingsError, needsNetworkFetch, type NetworkFetch } from './network-fetch';
import { probeSuccess } from './probe-success';

export const DEFAULT_PROBE_TIMEOUT_MS = 15_000;

export interface ProbeTarget {
  /** Named in error messages. */
  profile: string;
  endpoint: string;
  auth: AuthStyle;
  key: string;
}

export interface ProbeOptions {
  timeoutMs?: number;
  /** The fetch to use; default: one that follows `network`, else the runtime's fetch. */
  fetch?: FetchLike;
  /** The user's proxy / CA settings (KeyBridge's settings.network). */
  network?: NetworkSettings;
  now?: () => number;
}

export type Probe = (target: ProbeTarget, options?: ProbeOptions) => Promise<ProbeResult>;

export const probeEndpoint: Probe = async (target, options = {}) => {
  const now = options.now ?? Date.now;
  let network: NetworkFetch | null = null;
  if (!options.fetch && needsNetworkFetch(options.network)) {
    try {
      network = await createNetworkFetch(options.network);
    } catch (error) {
      if (!(error instanceof NetworkSettingsError)) throw error;
      return { ok: false, status: null, message: describeUpstreamFailure({ ...target, status: null, detail: error.message, audience: 'app' }), at: new Date(now()).toISOString() };
    }
  }
  try {
    return await probeWith(target, options, network?.fetch ?? options.fetch ?? fetch);
  } finally {
    await network?.close();
  }
};

async function probeWith(target: ProbeTarget, options: ProbeOptions, baseFetch: FetchLike): Promise<ProbeResult> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let refusal: { status: number; body: string } | null = null;

  const keyedFetch: FetchLike = async (url, init) => {
    const response = await baseFetch(url, { ...init, headers: setAuthHeader(new Headers(init?.headers), target.auth, target.key) });
    if (!response.ok && response.status !== 405 && refusal === null) {
      // The SDK reads the body itself; keep our own copy for the vendor's words.
      refusal = { status: response.status, body: await response.clone().text().catch(() => '') };
    }
    return response;
  };

  const transport = new StreamableHTTPClientTransport(new URL(target.endpoint), {
    fetch: keyedFetch,
    reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 },
  });
  const client = new Client({ name: 'KeyBridge verify', version: '1' }, { capabilities: {} });
  const at = () => new Date(now()).toISOString();

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });

  const run = async (): Promise<ProbeResult> => {
    const started = performance.now();
    await client.connect(transport, { timeout: timeoutMs });
    const latencyMs = Math.round(performance.now() - started);
    const tools = await client.listTools(undefined, { timeout: timeoutMs });
    await transport.terminateSession().catch(() => undefined);
    return probeSuccess(client, tools.tools.length, latencyMs, at());
  };

  try {
    const outcome = await Promise.race([run(), timedOut]);
    if (outcome === 'timeout') {
      return { ok: false, status: null, message: describeUpstreamFailure({ ...target, status: null, detail: `no answer within ${Math.round(timeoutMs / 1000)} s`, audience: 'app' }), at: at() };
    }
    return outcome;
  } catch (error) {
    const failure = refusal as { status: number; body: string } | null;
    if (failure) {
      const detail = vendorMessage(failure.body);
      const message = describeUpstreamFailure({ ...target, status: failure.status, detail, audience: 'app' });
      return { ok: false, status: failure.status, message, ...(detail ? { detail } : {}), at: at() };
    }
    if (error instanceof McpError) {
      // An HTTP success that is not MCP (an initialize error, a timeout on our side).
      return { ok: false, status: null, message: `${target.endpoint} did not complete the MCP handshake (${error.message}).`, at: at() };
    }
    return { ok: false, status: null, message: describeUpstreamFailure({ ...target, status: null, detail: networkDetail(error), audience: 'app' }), at: at() };
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
  }
}
