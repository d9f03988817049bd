// Turning upstream failures into JSON-RPC errors the assistant shows, with the shared wording
// (src-shared/vendor-errors.ts).
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { describeUpstreamFailure, vendorMessage } from '../src-shared/vendor-errors';

/** JSON-RPC error codes the bridge answers with. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
/** The upstream failed (HTTP status or network); data carries the status. */
export const UPSTREAM_ERROR = -32000;
/** No usable credentials: KeyBridge not running, profile unknown, key revoked. */
export const NO_CREDENTIALS = -32001;

export interface ErrorResponse {
  jsonrpc: '2.0';
  id: RequestId | null;
  error: { code: number; message: string; data?: Record<string, unknown> };
}

export function errorResponse(id: RequestId | null, code: number, message: string, data?: Record<string, unknown>): ErrorResponse {
  return { jsonrpc: '2.0', id, error: data ? { code, message, data } : { code, message } };
}

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

function networkDetail(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && NETWORK_CODES[code]) return NETWORK_CODES[code];
    current = (current as { cause?: unknown }).cause;
  }
  const cause = (error as { cause?: unknown }).cause;
  const text = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? 'network error';
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
