// The vault's document on disk: a schema version, explicit migrations up to the current
// version, and a zod schema every read goes through. Keys appear only as ciphertext (base64)
// next to their masked form and fingerprint.
import { z } from 'zod';
import { profileNameSchema } from '../../src-shared/agent-protocol';
import { authStyleSchema, networkSettingsSchema } from '../../src-shared/endpoint';
import { decisionSchema, logLevelSchema } from '../../src-shared/ipc-contract';
import { endpointSchema, maskedKeySchema, previousKeySchema, probeResultSchema } from '../../src-shared/profile';
import { vendorIdSchema } from '../../src-shared/vendors';

export const STORE_VERSION = 1;

/** What the vault adds to a key as shown outside it: the safeStorage ciphertext, base64. */
const ciphertextShape = { ciphertext: z.string().min(1) };

/** The active key: masked form and fingerprint (as shown) plus its ciphertext. */
export const sealedKeySchema = maskedKeySchema.extend(ciphertextShape);
export type SealedKey = z.infer<typeof sealedKeySchema>;

/** The key kept after a rotation: the shown previous key (src-shared/profile.ts, the one
 * definition of its fate and dates) plus its ciphertext. */
export const storedPreviousSchema = previousKeySchema.extend(ciphertextShape);
export type StoredPrevious = z.infer<typeof storedPreviousSchema>;

export const storedProfileSchema = z.object({
  name: profileNameSchema,
  vendor: vendorIdSchema,
  endpoint: endpointSchema,
  auth: authStyleSchema,
  keyPrefix: z.string().max(32).nullable(),
  note: z.string().max(500),
  key: sealedKeySchema,
  previous: storedPreviousSchema.nullable(),
  paused: z.boolean(),
  addedAt: z.string(),
  lastVerifiedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  lastCheck: probeResultSchema.nullable(),
});
export type StoredProfile = z.infer<typeof storedProfileSchema>;

export const storedSettingsSchema = z.object({
  launchAtLogin: z.boolean().default(false),
  approvalPrompts: z.boolean().default(true),
  allowWeakStorage: z.boolean().default(false),
  network: networkSettingsSchema.default({}),
  logLevel: logLevelSchema.default('info'),
});
export type StoredSettings = z.infer<typeof storedSettingsSchema>;

export const storedDocumentSchema = z.object({
  version: z.literal(STORE_VERSION),
  profiles: z.array(storedProfileSchema).refine(
    (profiles) => new Set(profiles.map((p) => p.name)).size === profiles.length,
    'profile names must be unique',
  ),
  settings: storedSettingsSchema,
  /** The user's remembered answers to "may <client> use <profile>?". */
  decisions: z.array(decisionSchema),
});
export type StoredDocument = z.infer<typeof storedDocumentSchema>;

export function emptyDocument(): StoredDocument {
  return storedDocumentSchema.parse({ version: STORE_VERSION, profiles: [], settings: {}, decisions: [] });
}

/** migrations[n] turns a version-n document into version n+1. Version 0 is a store without
 * a version: the empty file electron-store creates before the vault's first write. */
const migrations: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  0: (doc) => ({ ...doc, version: 1, profiles: doc.profiles ?? [], settings: doc.settings ?? {}, decisions: doc.decisions ?? [] }),
};

export class StoreFormatError extends Error {}

/** Brings a raw document up to STORE_VERSION and parses it; throws StoreFormatError when it
 * cannot be read as a vault (the caller moves the file aside). */
export function migrateAndParse(raw: Record<string, unknown>): { document: StoredDocument; migrated: boolean } {
  let doc = raw;
  const start = doc.version === undefined ? 0 : doc.version;
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) {
    throw new StoreFormatError(`it has an unknown format version (${JSON.stringify(start)})`);
  }
  if (start > STORE_VERSION) {
    throw new StoreFormatError(`it was written by a newer KeyBridge (format ${start}; this version reads up to ${STORE_VERSION})`);
  }
  for (let v = start; v < STORE_VERSION; v++) {
    const step = migrations[v];
    if (!step) throw new StoreFormatError(`no migration from format ${v}`);
    doc = step(doc);
  }
  const parsed = storedDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreFormatError(`its contents are invalid (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown problem'})`);
  }
  return { document: parsed.data, migrated: start !== STORE_VERSION };
}
