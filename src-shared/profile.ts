// Profiles as the user and the UI see them. The vault keeps its own stored shape; outside
// the vault a key appears only masked (`uo_…9f3a`) with a fingerprint (`sha256:` + 8 hex).
import { z } from 'zod';
import { profileNameSchema } from './agent-protocol';
import { authStyleSchema } from './endpoint';
import { vendorIdSchema } from './vendors';

export { profileNameSchema };

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
// scheme://host[:port][/path…]; src-shared has no URL class (no DOM, no Node), so a pattern.
const URL_SHAPE = /^(https?):\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:[/?#][^\s]*)?$/;

/** https, or http only for this machine. */
export const endpointSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => URL_SHAPE.test(value), 'Enter the full MCP URL, e.g. https://example.com/mcp.')
  .refine((value) => {
    const match = URL_SHAPE.exec(value);
    if (!match) return true;
    return match[1] === 'https' || LOCAL_HOSTS.has((match[2] ?? '').toLowerCase());
  }, 'The MCP URL must use https (http only for localhost).');

export const profileSettingsSchema = z.object({
  name: profileNameSchema,
  vendor: vendorIdSchema,
  endpoint: endpointSchema,
  auth: authStyleSchema,
  /** Custom profiles only: the prefix their keys carry, if any. */
  keyPrefix: z.string().max(32).nullable().default(null),
  note: z.string().max(500).default(''),
});
export type ProfileSettings = z.infer<typeof profileSettingsSchema>;

/** Adding a profile: its settings and the raw key (renderer → main only). */
export const addProfileInputSchema = profileSettingsSchema.extend({ key: z.string().max(8192) });
export type AddProfileInput = z.input<typeof addProfileInputSchema>;

export const keyStateSchema = z.enum(['unverified', 'ok', 'failing', 'needs-reentry', 'locked']);
export type KeyState = z.infer<typeof keyStateSchema>;

export const maskedKeySchema = z.object({ masked: z.string(), fingerprint: z.string() });
export type MaskedKey = z.infer<typeof maskedKeySchema>;

/** The outcome of a real MCP initialize (+ tools/list) against the endpoint. */
export const probeResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    serverName: z.string(),
    serverVersion: z.string(),
    toolCount: z.number().int().nonnegative(),
    latencyMs: z.number().nonnegative(),
    at: z.string(),
  }),
  z.object({
    ok: z.literal(false),
    status: z.number().int().nullable(),
    message: z.string(),
    /** The vendor's own words when it answered (e.g. `invalid credentials`). */
    detail: z.string().optional(),
    at: z.string(),
  }),
]);
export type ProbeResult = z.infer<typeof probeResultSchema>;

/** The key kept after a rotation, as shown; the vault stores it with its ciphertext added
 * (src-main/vault/stored-schema.ts). */
export const previousKeySchema = maskedKeySchema.extend({
  fate: z.enum(['until-revoked', 'grace']),
  /** For a grace window: when the vendor revokes the old key for good. */
  graceEndsAt: z.string().nullable(),
  rotatedAt: z.string(),
});
export type PreviousKey = z.infer<typeof previousKeySchema>;

export const profileViewSchema = profileSettingsSchema.extend({
  key: maskedKeySchema.nullable(),
  state: keyStateSchema,
  paused: z.boolean(),
  lastCheck: probeResultSchema.nullable(),
  addedAt: z.string(),
  lastVerifiedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  previous: previousKeySchema.nullable(),
  warnings: z.array(z.string()),
});
export type ProfileView = z.infer<typeof profileViewSchema>;
