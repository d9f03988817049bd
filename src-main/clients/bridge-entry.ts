// The one entry KeyBridge writes into an assistant's config: the stable launcher with
// `--profile NAME`. It never holds a key; env is only for secret-free settings.
import { z } from 'zod';
import { profileNameSchema } from '../../src-shared/profile';
import { redact } from '../../src-shared/redact';

/** Our entries are named `keybridge-<profile>`: recognisable, and one per profile so a user
 * can connect several profiles to the same assistant. */
export const ENTRY_PREFIX = 'keybridge-';

export function entryNameFor(profile: string): string {
  return `${ENTRY_PREFIX}${profileNameSchema.parse(profile)}`;
}

/** The profile an entry name stands for, if it is one of ours. */
export function profileFromEntryName(name: string): string | null {
  if (!name.startsWith(ENTRY_PREFIX)) return null;
  const parsed = profileNameSchema.safeParse(name.slice(ENTRY_PREFIX.length));
  return parsed.success ? parsed.data : null;
}

export const bridgeEntryOptionsSchema = z.object({
  /** The stable launcher (see launcher.ts), e.g. ~/.keybridge/bin/keybridge-bridge. */
  launcherPath: z.string().min(1),
  /** Extra environment for the bridge, e.g. KEYBRIDGE_AGENT_SOCKET in development. */
  env: z
    .record(z.string(), z.string())
    .default({})
    .refine((env) => Object.entries(env).every(([k, v]) => redact(`${k}=${v}`) === `${k}=${v}`), {
      message: 'The bridge entry never carries a key: remove secrets from its environment.',
    }),
});
export type BridgeEntryOptions = z.input<typeof bridgeEntryOptionsSchema>;

export interface BridgeEntry {
  type?: 'stdio';
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** The entry exactly as it is written (key order included) for one profile. */
export function bridgeEntry(profile: string, options: BridgeEntryOptions, typed: boolean): BridgeEntry {
  const { launcherPath, env } = bridgeEntryOptionsSchema.parse(options);
  const entry: BridgeEntry = typed ? { type: 'stdio', command: launcherPath, args: [] } : { command: launcherPath, args: [] };
  entry.args = ['--profile', profileNameSchema.parse(profile)];
  if (Object.keys(env).length > 0) entry.env = env;
  return entry;
}

const launchedEntrySchema = z.object({ command: z.string(), args: z.array(z.string()).optional() });

/** The profile a config entry launches through our launcher, or null if it is not a bridge entry. */
export function profileLaunchedBy(value: unknown, launcherPath: string): string | null {
  const parsed = launchedEntrySchema.safeParse(value);
  if (!parsed.success || parsed.data.command !== launcherPath) return null;
  const args = parsed.data.args ?? [];
  const at = args.indexOf('--profile');
  const profile = profileNameSchema.safeParse(at >= 0 ? args[at + 1] : undefined);
  return profile.success && args.length === 2 && at === 0 ? profile.data : null;
}

/** Deep equality on JSON values, ignoring key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameJson(ra[k], rb[k]));
}
