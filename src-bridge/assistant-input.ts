// The assistant's side, inbound: JSON-RPC lines on stdin, bounded, checked. Lines that are not
// JSON-RPC are answered here and never forwarded; a batch is split into its messages.
import { createLineSplitter } from '../src-shared/line-splitter';
import { INVALID_REQUEST, PARSE_ERROR, errorResponse, type ErrorResponse, type JsonRpcId } from '../src-shared/jsonrpc-errors';

/** Longest line accepted from the assistant (characters); longer ones are answered -32700. */
export const MAX_STDIN_LINE = 32 * 1024 * 1024;

export type JsonRpcMessage =
  | { jsonrpc: '2.0'; method: string; id?: JsonRpcId; params?: unknown }
  | { jsonrpc: '2.0'; id: JsonRpcId; result: unknown }
  | { jsonrpc: '2.0'; id: JsonRpcId | null; error: unknown };

export interface InputHandlers {
  /** One message, and its text as it goes to the agent (the assistant's own line when it was
   * a single message). */
  message(message: JsonRpcMessage, line: string): void;
  /** A line that is not JSON-RPC: answer it. */
  invalid(response: ErrorResponse): void;
  end(): void;
}

const isId = (id: unknown): id is JsonRpcId => typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));

/** The JSON-RPC 2.0 shapes, checked by hand: the bridge loads no schema library at start-up. */
export function asJsonRpc(value: unknown): JsonRpcMessage | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return null;
  if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null)) return null;
  if (typeof m.method === 'string') return m.id === undefined || isId(m.id) ? (m as JsonRpcMessage) : null;
  if ('result' in m) return isId(m.id) ? (m as JsonRpcMessage) : null;
  if (typeof m.error === 'object' && m.error !== null) return isId(m.id) || m.id === null ? (m as JsonRpcMessage) : null;
  return null;
}

export function readAssistant(input: NodeJS.ReadableStream, handlers: InputHandlers, maxLine = MAX_STDIN_LINE): void {
  const one = (value: unknown, line: string | null) => {
    const message = asJsonRpc(value);
    if (message) handlers.message(message, line ?? JSON.stringify(value));
    else {
      const id = (value as { id?: unknown } | null)?.id;
      handlers.invalid(errorResponse(isId(id) ? id : null, INVALID_REQUEST, 'Invalid JSON-RPC message'));
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
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => splitter.push(chunk));
  input.on('end', () => {
    const rest = splitter.end();
    if (rest.trim()) splitter.push(`${rest}\n`);
    handlers.end();
  });
}
