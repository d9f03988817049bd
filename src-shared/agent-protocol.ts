// Agent protocol v2 (docs/agent-protocol.md): how a bridge asks the agent to carry its MCP
// session. The agent holds the key and talks to the vendor; the bridge never sees a key.
//
//   bridge → agent   hello                      (one control frame, JSON, one line)
//   agent  → bridge  ready | error              (one control frame; after `error` the agent closes)
//   then, both ways: one JSON-RPC message per line, until either side closes.
// zod/mini: the bridge loads this at every start, and classic zod costs it ~10 MB and tens of ms.
import * as z from 'zod/mini';

export const PROTOCOL_VERSION = 2;
/** Longest control frame (hello, ready, error) either side accepts, in bytes, before the newline. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Longest JSON-RPC line either side accepts after `ready` (characters). */
export const MAX_MESSAGE_CHARS = 32 * 1024 * 1024;

/** Where a bridge KeyBridge starts itself (Test connection) finds its one-time approval token. */
export const APPROVAL_TOKEN_ENV = 'KEYBRIDGE_APPROVAL_TOKEN';

export const profileNameSchema = z.string().check(
  z.minLength(1, 'A profile name is required.'),
  z.maxLength(64, 'A profile name has at most 64 characters.'),
  z.regex(/^[A-Za-z0-9_-]+$/, 'A profile name uses only letters, digits, - and _.'),
);

const jsonRpcRequestSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number()]),
  method: z.string(),
  params: z.optional(z.record(z.string(), z.unknown())),
});
export type JsonRpcRequestFrame = z.infer<typeof jsonRpcRequestSchema>;

/** What the assistant set up on its session, so that a new agent (after a restart) can
 * re-initialize upstream as the assistant did, without the assistant noticing. */
export const resumeStateSchema = z.object({
  initialize: jsonRpcRequestSchema,
  initialized: z.boolean(),
  logLevel: z.nullable(jsonRpcRequestSchema),
  subscriptions: z.array(z.string().check(z.maxLength(4096))).check(z.maxLength(1000)),
});
export type ResumeState = z.infer<typeof resumeStateSchema>;

export const helloFrameSchema = z.object({
  type: z.literal('hello'),
  v: z.int(),
  profile: profileNameSchema,
  bridge: z.object({ version: z.string().check(z.maxLength(50)) }),
  /** What the assistant calls itself (initialize's clientInfo.name). Shown, never trusted. */
  client: z.optional(z.object({ name: z.string().check(z.maxLength(200)) })),
  /** A one-time approval token KeyBridge put in the environment of a bridge it started itself
   * (Test connection): it skips the prompt once. */
  token: z.optional(z.string().check(z.minLength(16), z.maxLength(200))),
  /** Present when the bridge reconnects after losing the agent mid-session. */
  resume: z.optional(resumeStateSchema),
});
export type HelloFrame = z.infer<typeof helloFrameSchema>;

export const readyFrameSchema = z.object({
  type: z.literal('ready'),
  v: z.int(),
  profile: profileNameSchema,
});
export type ReadyFrame = z.infer<typeof readyFrameSchema>;

/** `unknown-profile` and `denied` are only ever told apart after the client was approved. */
export const agentErrorCodeSchema = z.enum(['unknown-profile', 'locked', 'denied', 'bad-request', 'unsupported-version']);
export type AgentErrorCode = z.infer<typeof agentErrorCodeSchema>;

export const errorFrameSchema = z.object({
  type: z.literal('error'),
  code: agentErrorCodeSchema,
  message: z.string().check(z.maxLength(2000)),
});
export type ErrorFrame = z.infer<typeof errorFrameSchema>;

/** Control frames the agent sends to a bridge (before MCP starts). */
export type AgentToBridgeFrame = ReadyFrame | ErrorFrame;
/** Control frames a bridge sends to the agent. */
export type BridgeToAgentFrame = HelloFrame;

export type Decoded<T> =
  | { kind: 'frame'; frame: T }
  /** Well-formed JSON object with a `type` this side does not know: ignore it. */
  | { kind: 'ignored' }
  | { kind: 'malformed'; reason: string };

function decodeWith<T>(line: string, byType: Record<string, z.ZodMiniType<T>>): Decoded<T> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'malformed', reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'malformed', reason: 'not a JSON object' };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return { kind: 'malformed', reason: 'no "type"' };
  const schema = Object.hasOwn(byType, type) ? byType[type] : undefined;
  if (!schema) return { kind: 'ignored' };
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'malformed', reason: `${type}: ${issue ? `${issue.path.join('.') || '(root)'} ${issue.message}` : 'invalid'}` };
  }
  return { kind: 'frame', frame: parsed.data };
}

/** Parses one control line received by a bridge. */
export function decodeAgentFrame(line: string): Decoded<AgentToBridgeFrame> {
  return decodeWith<AgentToBridgeFrame>(line, { ready: readyFrameSchema, error: errorFrameSchema });
}

/** Parses one control line received by the agent. */
export function decodeBridgeFrame(line: string): Decoded<BridgeToAgentFrame> {
  return decodeWith<BridgeToAgentFrame>(line, { hello: helloFrameSchema });
}

/** The `v` a hello line claims, when it is a hello at all (also for a v1 or future hello the
 * schema refuses), so that the version is checked before anything else. */
export function helloVersion(line: string): number | null {
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'hello') {
      const { v } = value as { v?: unknown };
      return typeof v === 'number' ? v : null;
    }
  } catch {
    // not JSON
  }
  return null;
}

/** One control frame as it goes on the wire, newline included. */
export function encodeFrame(frame: AgentToBridgeFrame | BridgeToAgentFrame): string {
  return `${JSON.stringify(frame)}\n`;
}

/** Every response the agent writes begins `{"jsonrpc":"2.0","id":<id>,"result":` (or
 * `"error":`), so that a bridge can tell which request a line answers from its first bytes,
 * without parsing a 10 MB result. JSON whitespace may follow the `{` (the relay's progress
 * padding, see src-main/upstream/relay.ts). */
const RESPONSE_HEAD = /^"jsonrpc":"2\.0","id":("(?:[^"\\]|\\.)*"|-?\d+),"(?:result|error)":/;

/** The id a response line answers, as the JSON text of the id (`7` or `"a"`), or null when the
 * line does not begin as a response. `head`: the line's start (a few hundred characters past
 * any padding are enough). */
export function responseIdOf(head: string): string | null {
  if (!head.startsWith('{')) return null;
  let at = 1;
  while (at < head.length && (head[at] === ' ' || head[at] === '\n' || head[at] === '\t' || head[at] === '\r')) at++;
  return RESPONSE_HEAD.exec(head.slice(at))?.[1] ?? null;
}

/** The head of a response line, as the agent writes it: `{"jsonrpc":"2.0","id":<id>,"result":` … */
export function responseLine(id: string | number, body: { result: unknown } | { error: unknown }): string {
  const [key, value] = 'result' in body ? ['result', body.result] : ['error', body.error];
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"${key}":${JSON.stringify(value ?? null)}}`;
}
