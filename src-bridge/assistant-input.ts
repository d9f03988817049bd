// The assistant's side: JSON-RPC lines on stdin, protocol frames (and nothing else) on stdout.
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createLineSplitter } from '../src-shared/line-splitter';
import { REDACTED } from '../src-shared/redact';
import { INVALID_REQUEST, PARSE_ERROR, errorResponse, type ErrorResponse } from './errors';

/** Longest line accepted from the assistant (characters); longer ones are answered -32700. */
export const MAX_STDIN_LINE = 32 * 1024 * 1024;

export interface StdinHandlers {
  message(message: JSONRPCMessage): void;
  /** A line that is not JSON-RPC: answer it. */
  invalid(response: ErrorResponse): void;
  end(): void;
}

export function readStdin(input: NodeJS.ReadableStream, handlers: StdinHandlers, maxLine = MAX_STDIN_LINE): void {
  const one = (value: unknown) => {
    // zod at the boundary, but the original object is forwarded so nothing is stripped.
    if (JSONRPCMessageSchema.safeParse(value).success) handlers.message(value as JSONRPCMessage);
    else {
      const id = (value as { id?: unknown } | null)?.id;
      handlers.invalid(errorResponse(typeof id === 'string' || typeof id === 'number' ? id : null, INVALID_REQUEST, 'Invalid JSON-RPC message'));
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
      if (!Array.isArray(value)) one(value);
      else if (value.length === 0) handlers.invalid(errorResponse(null, INVALID_REQUEST, 'Invalid Request: empty batch'));
      else for (const item of value) one(item);
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

/** Libuv (so Node, so the assistant's SDK) reads a pipe at most 64 KiB at a time. */
const READ_CHUNK = 64 * 1024;
let padding: string | null = null;

export interface Output {
  /** Writes `message` now, in order. `ownRead`: make sure it cannot arrive in the same read
   * as anything written before it (see Forwarder). */
  write(message: unknown, ownRead?: boolean): void;
}

/** Writes each message to the assistant at once, one write per message, in order, with the
 * outbound guard: any key this bridge holds, found verbatim, becomes [redacted]. */
export function createOutput(stream: NodeJS.WritableStream, keys: readonly string[]): Output {
  return {
    write(message, ownRead = false) {
      let line = JSON.stringify(message);
      for (const key of keys) if (line.includes(key)) line = line.split(key).join(REDACTED);
      // JSON whitespace longer than one read: whatever came before ends in an earlier read.
      if (ownRead) line = `{${(padding ??= ' '.repeat(READ_CHUNK))}${line.slice(1)}`;
      stream.write(`${line}\n`);
    },
  };
}
