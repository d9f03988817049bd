// The assistant's side, inbound: JSON-RPC lines on stdin, bounded, checked. Lines that are not
// JSON-RPC (as MCP has it) are answered here and never forwarded; a batch is split into its
// messages.
import { createLineSplitter } from '../src-shared/line-splitter';
import { INVALID_REQUEST, PARSE_ERROR, errorResponse, type ErrorResponse, type JsonRpcId } from '../src-shared/jsonrpc-errors';

/** Longest line accepted from the assistant (characters); longer ones are answered -32700. */
export const MAX_STDIN_LINE = 32 * 1024 * 1024;

export type JsonRpcMessage =
  | { jsonrpc: '2.0'; method: string; id?: JsonRpcId; params?: Record<string, unknown> }
  | { jsonrpc: '2.0'; id: JsonRpcId; result: Record<string, unknown> }
  | { jsonrpc: '2.0'; id?: JsonRpcId; error: { code: number; message: string; data?: unknown } };

export interface InputHandlers {
  /** One message, and its text as it goes to the agent (the assistant's own line when it was
   * a single message). */
  message(message: JsonRpcMessage, line: string): void;
  /** A line that is not JSON-RPC: answer it. */
  invalid(response: ErrorResponse): void;
  end(): void;
}

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const has = (m: Fields, key: string) => Object.hasOwn(m, key);
const isInt = (value: unknown): value is number => Number.isSafeInteger(value);
/** MCP's request ids (and progress tokens): a string or an integer. */
const isRequestId = (id: unknown): id is JsonRpcId => typeof id === 'string' || isInt(id);
/** The id an invalid message is answered with: its own when one can be told (JSON-RPC), else null. */
const replyId = (id: unknown): JsonRpcId | null => (typeof id === 'string' || Number.isFinite(id) ? (id as JsonRpcId) : null);
const onlyKeys = (m: Fields, allowed: readonly string[]) => Object.keys(m).every((key) => allowed.includes(key));

const RELATED_TASK = 'io.modelcontextprotocol/related-task';

/** `_meta` of params or a result: an object; its progress token and related task well typed. */
function isMeta(meta: unknown): boolean {
  if (meta === undefined) return true;
  if (!isObject(meta)) return false;
  if (has(meta, 'progressToken') && !isRequestId(meta.progressToken)) return false;
  const task = has(meta, RELATED_TASK) ? meta[RELATED_TASK] : undefined;
  return task === undefined || (isObject(task) && typeof task.taskId === 'string');
}

const isParams = (params: unknown) => params === undefined || (isObject(params) && isMeta(has(params, '_meta') ? params._meta : undefined));

/** The JSON-RPC 2.0 message shapes MCP accepts (the SDK's JSONRPCMessageSchema, which the agent
 * checks every message against), checked by hand: the bridge loads no schema library at
 * start-up. A message the agent would refuse must be answered here, under its own id: the
 * agent could only answer it with id null, and the assistant would wait for its answer forever. */
export function asJsonRpc(value: unknown): JsonRpcMessage | null {
  if (!isObject(value) || value.jsonrpc !== '2.0') return null;
  const m = value;
  if (has(m, 'method')) {
    if (typeof m.method !== 'string' || !isParams(has(m, 'params') ? m.params : undefined)) return null;
    if (has(m, 'id')) return isRequestId(m.id) && onlyKeys(m, ['jsonrpc', 'id', 'method', 'params']) ? (m as JsonRpcMessage) : null;
    return onlyKeys(m, ['jsonrpc', 'method', 'params']) ? (m as JsonRpcMessage) : null;
  }
  if (has(m, 'result')) {
    return isRequestId(m.id) && isObject(m.result) && isMeta(has(m.result, '_meta') ? m.result._meta : undefined) && onlyKeys(m, ['jsonrpc', 'id', 'result'])
      ? (m as JsonRpcMessage)
      : null;
  }
  // An error response, or nothing (no `error` is no well-formed error).
  const { error } = m;
  const wellFormed = isObject(error) && isInt(error.code) && typeof error.message === 'string';
  return wellFormed && (!has(m, 'id') || isRequestId(m.id)) && onlyKeys(m, ['jsonrpc', 'id', 'error']) ? (m as JsonRpcMessage) : null;
}

export function readAssistant(input: NodeJS.ReadableStream, handlers: InputHandlers, maxLine = MAX_STDIN_LINE): void {
  const one = (value: unknown, line: string | null) => {
    const message = asJsonRpc(value);
    if (message) handlers.message(message, line ?? JSON.stringify(value));
    else {
      handlers.invalid(errorResponse(isObject(value) ? replyId(value.id) : null, INVALID_REQUEST, 'Invalid JSON-RPC message'));
    }
  };
  const splitter = createLineSplitter({
    maxLength: maxLine,
    onOverflow: () => handlers.invalid(errorResponse(null, PARSE_ERROR, `Parse error: message longer than ${maxLine} characters`)),
    onLine: (line) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        handlers.invalid(errorResponse(null, PARSE_ERROR, 'Parse error: not JSON'));
        return;
      }
      if (!Array.isArray(value)) one(value, line);
      else if (value.length === 0) handlers.invalid(errorResponse(null, INVALID_REQUEST, 'Invalid Request: empty batch'));
      else for (const item of value) one(item, null);
    },
  });
  // Stryker disable next-line StringLiteral: '' selects Node's default encoding, utf8
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => splitter.push(chunk));
  input.on('end', () => {
    // Ends a last line that had no newline (a blank one is skipped like any other).
    splitter.push('\n');
    handlers.end();
  });
}
