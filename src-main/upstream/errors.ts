// Turning upstream failures into the sentence the user sees (src-shared/vendor-errors.ts), for
// sessions' JSON-RPC errors and the verify probe alike.
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describeUpstreamFailure, vendorMessage } from '../../src-shared/vendor-errors';

export interface UpstreamFailureInfo {
  status: number | null;
  /** The vendor's words or the network problem. */
  detail: string;
}

const POST_PREFIX = /^Streamable HTTP error: (?:Error POSTing to endpoint|Failed to open SSE stream|Failed to terminate session): ?/;

/** What went wrong in a failed upstream send: the HTTP status and the vendor's words, or the network error. */
export function upstreamFailureInfo(error: unknown): UpstreamFailureInfo {
  if (error instanceof StreamableHTTPError) {
    const status = typeof error.code === 'number' && error.code > 0 ? error.code : null;
    return { status, detail: vendorMessage(error.message.replace(POST_PREFIX, '')) };
  }
  return { status: null, detail: networkDetail(error) };
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS)',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for a response',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted (self-signed in chain)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted (self-signed)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate not trusted (unknown issuer)',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
};

/** The network problem in a few words: a known socket/TLS error code, else the error's first line. */
export function networkDetail(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && NETWORK_CODES[code]) return NETWORK_CODES[code];
    current = (current as { cause?: unknown }).cause;
  }
  const cause = (error as { cause?: unknown }).cause;
  const text = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return text.replace(/^Streamable HTTP error: /, '').split('\n')[0] ?? 'network error';
}

/** The endpoint as named in messages: no userinfo, query or fragment. */
export function displayEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return endpoint;
  }
}

export function describeFailure(profile: string, endpoint: string, info: UpstreamFailureInfo): string {
  return describeUpstreamFailure({ profile, endpoint: displayEndpoint(endpoint), status: info.status, detail: info.detail });
}
