// The JSON-RPC errors KeyBridge answers an assistant with, from the bridge (lines that are not
// JSON-RPC, KeyBridge not reachable) and from the agent (upstream failures, no usable key).

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
/** The upstream failed (HTTP status or network); data carries the status. */
export const UPSTREAM_ERROR = -32000;
/** No usable key: KeyBridge not running, profile unknown, removed, paused or locked. */
export const NO_CREDENTIALS = -32001;

export type JsonRpcId = string | number;

export interface ErrorResponse {
  jsonrpc: '2.0';
  id: JsonRpcId | null;
  error: { code: number; message: string; data?: Record<string, unknown> };
}

export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: Record<string, unknown>): ErrorResponse {
  return { jsonrpc: '2.0', id, error: data ? { code, message, data } : { code, message } };
}
