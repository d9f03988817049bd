// Agent protocol v1 (DESIGN.md): UTF-8 JSON, one object per line, over the agent socket.
// Both the tray's agent and the bridge parse every frame with these schemas.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
/** Longest frame either side accepts, in bytes, before the newline. */
export const MAX_FRAME_BYTES = 64 * 1024;

export const profileNameSchema = z
  .string()
  .min(1, 'A profile name is required.')
  .max(64, 'A profile name has at most 64 characters.')
  .regex(/^[A-Za-z0-9_-]+$/, 'A profile name uses only letters, digits, - and _.');

export const authStyleSchema = z.enum(['x-api-key', 'bearer']);
export type AuthStyle = z.infer<typeof authStyleSchema>;

export const networkSettingsSchema = z.object({
  proxy: z.string().optional(),
  noProxy: z.string().optional(),
  extraCaCerts: z.string().optional(),
});
export type NetworkSettings = z.infer<typeof networkSettingsSchema>;

export const helloFrameSchema = z.object({
  type: z.literal('hello'),
  v: z.number().int(),
  profile: profileNameSchema,
  client: z.object({ name: z.string().max(200), pid: z.number().int().nonnegative().optional() }),
  bridge: z.object({ version: z.string().max(50), pid: z.number().int().nonnegative() }),
});
export type HelloFrame = z.infer<typeof helloFrameSchema>;

export const credentialsFrameSchema = z.object({
  type: z.literal('credentials'),
  profile: profileNameSchema,
  endpoint: z.string().url(),
  auth: authStyleSchema,
  key: z.string().min(1),
  keyId: z.string(),
  network: networkSettingsSchema.optional(),
});
export type CredentialsFrame = z.infer<typeof credentialsFrameSchema>;

export const agentErrorCodeSchema = z.enum(['unknown-profile', 'locked', 'denied', 'bad-request', 'unsupported-version']);
export type AgentErrorCode = z.infer<typeof agentErrorCodeSchema>;

export const errorFrameSchema = z.object({
  type: z.literal('error'),
  code: agentErrorCodeSchema,
  message: z.string(),
});
export type ErrorFrame = z.infer<typeof errorFrameSchema>;

export const revokedFrameSchema = z.object({
  type: z.literal('revoked'),
  profile: profileNameSchema,
  message: z.string(),
});
export type RevokedFrame = z.infer<typeof revokedFrameSchema>;

export const upstreamStateSchema = z.enum(['connecting', 'ok', 'failing']);
export type UpstreamState = z.infer<typeof upstreamStateSchema>;

export const lastErrorSchema = z.object({
  status: z.number().int().nullable(),
  message: z.string().max(2000),
  at: z.string(),
});
export type LastError = z.infer<typeof lastErrorSchema>;

export const statusFrameSchema = z.object({
  type: z.literal('status'),
  profile: profileNameSchema,
  upstream: upstreamStateSchema,
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  lastError: lastErrorSchema.nullable(),
});
export type StatusFrame = z.infer<typeof statusFrameSchema>;

/** Frames the agent sends to a bridge. */
export type AgentToBridgeFrame = CredentialsFrame | ErrorFrame | RevokedFrame;
/** Frames a bridge sends to the agent. */
export type BridgeToAgentFrame = HelloFrame | StatusFrame;

export type Decoded<T> =
  | { kind: 'frame'; frame: T }
  /** Well-formed JSON object with a `type` this side does not know: ignore it. */
  | { kind: 'ignored' }
  | { kind: 'malformed'; reason: string };

function decodeWith<T>(line: string, byType: Record<string, z.ZodType<T>>): Decoded<T> {
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

/** Parses one line received by a bridge. */
export function decodeAgentFrame(line: string): Decoded<AgentToBridgeFrame> {
  return decodeWith<AgentToBridgeFrame>(line, {
    credentials: credentialsFrameSchema,
    error: errorFrameSchema,
    revoked: revokedFrameSchema,
  });
}

/** Parses one line received by the agent. */
export function decodeBridgeFrame(line: string): Decoded<BridgeToAgentFrame> {
  return decodeWith<BridgeToAgentFrame>(line, { hello: helloFrameSchema, status: statusFrameSchema });
}

/** One frame as it goes on the wire, newline included. */
export function encodeFrame(frame: AgentToBridgeFrame | BridgeToAgentFrame): string {
  return `${JSON.stringify(frame)}\n`;
}
