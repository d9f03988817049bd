// Moving plaintext keys out of assistants' configs into the vault. A scan reports findings
// with masked keys only; the raw key is read again from the file inside migrate(), so it
// never travels through the UI.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AuthStyle } from '../../src-shared/agent-protocol';
import { detectVendor, maskKey } from '../../src-shared/key-format';
import { endpointSchema, profileNameSchema, type AddProfileInput } from '../../src-shared/profile';
import { VENDORS, type VendorId } from '../../src-shared/vendors';
import { bridgeEntry, type BridgeEntryOptions } from './bridge-entry';
import { editEntry, lineAndColumn, parseConfig, serversOf } from './config-text';
import { readText, scrubBackups, updateFile } from './config-writer';
import { scanEntry, type RawFinding } from './key-scan';
import type { ClientId, ClientRef, ClientTarget } from './registry';

/** Where migrated keys go: the vault (the shell plugs it in). Rejects when the name is taken. */
export interface MigrationTarget {
  addProfile(input: AddProfileInput): Promise<unknown>;
}

/** One plaintext key in one entry, safe to show: the key is masked. */
export interface KeyFinding {
  /** Stable while the entry is unchanged; pass it to migrate(). */
  id: string;
  client: ClientId;
  ref: ClientRef;
  clientLabel: string;
  configPath: string;
  entryName: string;
  where: string;
  maskedKey: string;
  vendor: VendorId;
  auth: AuthStyle;
  /** The MCP URL the profile would use: the entry's, else the vendor's default. */
  endpoint: string | null;
  /** Null when migrate() can run as is; else what is missing (e.g. the MCP URL). */
  problem: string | null;
  suggestedProfile: string;
}

export const migrateOptionsSchema = z.object({
  profile: profileNameSchema,
  /** Overrides the MCP URL (needed when the entry names none and the vendor has no default). */
  endpoint: endpointSchema.optional(),
});
export type MigrateOptions = z.input<typeof migrateOptionsSchema>;

export interface MigrationResult {
  profile: string;
  /** The entries now launching the bridge (each keeps its name, so the assistant's per-server
   * settings and tool permissions keep working). */
  entryNames: string[];
  backupPath: string | null;
}

export class FindingGoneError extends Error {
  constructor(file: string) {
    super(`That key is no longer in ${file} (the file changed). Scan again.`);
    this.name = 'FindingGoneError';
  }
}

function findingId(file: string, raw: RawFinding): string {
  return createHash('sha256').update(`${file}\0${raw.entryName}\0${raw.location}`).digest('hex').slice(0, 16);
}

function suggestedProfile(entryName: string): string {
  const name = entryName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return name || 'migrated';
}

function rawFindings(target: ClientTarget, text: string): RawFinding[] {
  const servers = serversOf(parseConfig(target.configPath, text), target.serversKey);
  return Object.entries(servers).flatMap(([name, value]) => scanEntry(name, value));
}

function describe(target: ClientTarget, raw: RawFinding): KeyFinding {
  const vendor = detectVendor(raw.key) ?? 'custom';
  const endpoint = raw.endpoint ?? VENDORS[vendor].defaultEndpoint;
  const valid = endpoint !== null && endpointSchema.safeParse(endpoint).success;
  return {
    id: findingId(target.configPath, raw),
    client: target.id,
    ref: target.ref,
    clientLabel: target.label,
    configPath: target.configPath,
    entryName: raw.entryName,
    where: raw.location,
    maskedKey: maskKey(raw.key),
    vendor,
    auth: raw.auth ?? VENDORS[vendor].auth,
    endpoint,
    problem: endpoint === null ? 'The entry names no MCP URL: enter it to move this key.' : valid ? null : 'The MCP URL must use https.',
    suggestedProfile: suggestedProfile(raw.entryName),
  };
}

/** Plaintext keys in one client's file (throws ConfigParseError for a broken file). */
export async function scanClient(target: ClientTarget): Promise<KeyFinding[]> {
  const text = await readText(target.configPath);
  return rawFindings(target, text).map((raw) => describe(target, raw));
}

/**
 * Moves a finding's key into the vault as a new profile and replaces every entry of this
 * file that carries the same key with the bridge entry (same entry name), after a backup.
 * The key is then replaced by a placeholder in that backup and in every older one.
 * Nothing is written, and no profile created, if the key would remain anywhere in the file.
 */
export async function migrate(
  target: ClientTarget,
  id: string,
  options: MigrateOptions,
  vault: MigrationTarget,
  entryOptions: BridgeEntryOptions,
): Promise<MigrationResult> {
  const { profile, endpoint: endpointOverride } = migrateOptionsSchema.parse(options);
  let entryNames: string[] = [];
  let added = false;
  let movedKey: string | null = null;
  const outcome = await updateFile(target.configPath, async (text) => {
    const all = rawFindings(target, text);
    const chosen = all.find((raw) => findingId(target.configPath, raw) === id);
    if (!chosen) throw new FindingGoneError(target.configPath);
    const finding = describe(target, chosen);
    const endpoint = endpointOverride ?? finding.endpoint;
    if (!endpoint) throw new Error(finding.problem ?? 'The MCP URL is missing.');
    const entry = bridgeEntry(profile, entryOptions, target.typedEntries);
    entryNames = [...new Set(all.filter((raw) => raw.key === chosen.key).map((raw) => raw.entryName))];
    const out = entryNames.reduce((acc, name) => editEntry(acc, target.serversKey, name, entry), text);
    const left = out.indexOf(chosen.key);
    if (left >= 0) {
      const { line, column } = lineAndColumn(out, left);
      throw new Error(`The key also appears at ${target.configPath}:${line}:${column} outside a server entry KeyBridge understands; remove it there by hand, then try again. Nothing was changed.`);
    }
    if (!added) {
      const input: AddProfileInput = {
        name: profile,
        vendor: finding.vendor,
        endpoint: endpointSchema.parse(endpoint),
        auth: finding.auth,
        keyPrefix: null,
        note: `Moved from ${target.label} (${chosen.entryName}).`,
        key: chosen.key,
      };
      await vault.addProfile(input);
      added = true;
    }
    movedKey = chosen.key;
    return out;
  });
  if (movedKey) await scrubBackups(target.configPath, movedKey, `<moved to KeyBridge profile ${profile}>`);
  return { profile, entryNames, backupPath: outcome.backupPath };
}
