// Moving plaintext keys out of assistants' configs into the vault. A scan reports findings
// with masked keys only; the raw key is read again from the file inside migrate(), so it
// never travels through the UI.
//
// A move is all or nothing: the file is checked (readable, writable, its folder writable, a
// backup possible) before the vault is touched; the profile is added right before the atomic
// write, and taken back if that write fails. So the key ends up either in the vault with the
// file pointing at the bridge, or still only in the file — never in both, never in neither.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AuthStyle } from '../../src-shared/endpoint';
import { detectVendor, maskKey } from '../../src-shared/key-format';
import { endpointSchema, profileNameSchema, type AddProfileInput } from '../../src-shared/profile';
import { VENDORS, type VendorId } from '../../src-shared/vendors';
import { keyFingerprint } from '../upstream/key-fingerprint';
import { bridgeEntry, type BridgeEntryOptions } from './bridge-entry';
import { appendToArray, editEntry, replaceInString } from './config-edit';
import { lineAndColumn, splitBom } from './config-parse';
import { ConfigWriteError } from './config-access';
import { backupsHolding, scrubBackups } from './config-backups';
import { updateFile } from './config-writer';
import { scanEntry, type RawFinding } from './key-scan';
import type { ClientId, ClientRef, ClientTarget } from './registry';
import { readBlocksOf, readClientFiles, type FileProblem, type ServerBlock } from './server-blocks';
import { UserError } from '../../src-shared/user-error';

/** Where migrated keys go: the vault (the shell plugs it in). */
export interface MigrationTarget {
  /** Rejects when the name is taken. */
  addProfile(input: AddProfileInput): Promise<unknown>;
  /** Takes back a profile added for a move whose file write then failed. */
  removeProfile(name: string): Promise<unknown>;
  /** The profiles KeyBridge holds, with their key's fingerprint (never the key). */
  profiles(): { name: string; fingerprint: string | null }[];
}

/** One plaintext key in one entry, safe to show: the key is masked. */
export interface KeyFinding {
  /** Stable while the entry is unchanged; pass it to migrate(). */
  id: string;
  client: ClientId;
  ref: ClientRef;
  clientLabel: string;
  /** The file the key is in (VS Code: mcp.json or settings.json). */
  configPath: string;
  /** Null for the client's main servers; else `project /src/app` or `settings.json`. */
  scope: string | null;
  entryName: string;
  where: string;
  maskedKey: string;
  /** The key's fingerprint (`sha256:…`), as the vault shows it. */
  fingerprint: string;
  vendor: VendorId;
  auth: AuthStyle;
  /** The MCP URL the profile would use: the entry's, else the vendor's default. */
  endpoint: string | null;
  /** Whether the entry itself names that URL (else the user may enter or change it). */
  endpointFromEntry: boolean;
  /** Null when migrate() can run as is; else what is missing (e.g. the MCP URL). */
  problem: string | null;
  /** A local server: the command line it runs. Replacing it with the bridge changes what runs. */
  local: string | null;
  /** Whether the local server can keep running with its key out of the file (VS Code inputs). */
  keepLocalPossible: boolean;
  /** The profile that already holds this very key (same fingerprint), if any. */
  existingProfile: string | null;
  /** How many of KeyBridge's backups of this file hold the key too. */
  backupsHoldingKey: number;
  suggestedProfile: string;
}

export const migrateOptionsSchema = z.object({
  /** move: a new profile; use-existing: point the entry at the profile holding the same key;
   * keep-local: VS Code only, the local server stays and reads the key from an `${input:…}`. */
  action: z.enum(['move', 'use-existing', 'keep-local']).default('move'),
  profile: z.optional(profileNameSchema),
  /** Overrides the MCP URL (needed when the entry names none and the vendor has no default). */
  endpoint: endpointSchema.optional(),
  /** The user agreed that a local server is replaced by the bridge to the remote endpoint. */
  replaceLocal: z.boolean().default(false),
});
export type MigrateOptions = z.input<typeof migrateOptionsSchema>;

export interface MigrationResult {
  action: 'move' | 'use-existing' | 'keep-local';
  /** The profile the entries now use (null for keep-local). */
  profile: string | null;
  /** The entries changed (each keeps its name, so the assistant's per-server settings and tool
   * permissions keep working), with their scope when not the main block. */
  entryNames: string[];
  backupPath: string | null;
  /** Backups of the file the key was removed from. */
  scrubbedBackups: number;
  /** What happened, for the user. */
  message: string;
}

export class FindingGoneError extends UserError {
  constructor(file: string) {
    super(`That key is no longer in ${file} (the file changed). Scan again.`);
    this.name = 'FindingGoneError';
  }
}

/** A move that did not happen, in words for the user. */
export class MigrationError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** The scan of one client: its findings, and the files (or blocks) it could not read. */
export interface ClientScan {
  findings: KeyFinding[];
  problems: FileProblem[];
}

interface Located {
  block: ServerBlock;
  raw: RawFinding;
}

function findingId(block: ServerBlock, raw: RawFinding): string {
  return createHash('sha256').update(`${block.configPath}\0${block.path.join('\0')}\0${raw.entryName}\0${raw.location}`).digest('hex').slice(0, 16);
}

/** A profile name from an entry name: `uptime`, `my-server`. */
export function baseProfileName(entryName: string): string {
  const name = entryName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56);
  return name || 'migrated';
}

/** `base`, or `base-2`, `base-3`… whichever is not in `taken`. */
export function freeName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function located(blocks: { block: ServerBlock; servers: Record<string, unknown> }[]): Located[] {
  return blocks.flatMap(({ block, servers }) => Object.entries(servers).flatMap(([name, value]) => scanEntry(name, value).map((raw) => ({ block, raw }))));
}

function describeFinding(target: ClientTarget, { block, raw }: Located, vault: MigrationTarget, backups: number): KeyFinding {
  const vendor = detectVendor(raw.key) ?? 'custom';
  const endpoint = raw.endpoint ?? VENDORS[vendor].defaultEndpoint;
  const valid = endpoint !== null && endpointSchema.safeParse(endpoint).success;
  const fingerprint = keyFingerprint(raw.key);
  return {
    id: findingId(block, raw),
    client: target.id,
    ref: target.ref,
    clientLabel: target.label,
    configPath: block.configPath,
    scope: block.scope,
    entryName: raw.entryName,
    where: raw.location,
    maskedKey: maskKey(raw.key),
    fingerprint,
    vendor,
    auth: raw.auth ?? VENDORS[vendor].auth,
    endpoint,
    endpointFromEntry: raw.endpoint !== null,
    problem: endpoint === null ? 'The entry names no MCP URL: enter it to move this key.' : valid ? null : 'The MCP URL must use https.',
    local: raw.local,
    keepLocalPossible: raw.local !== null && block.inputsPath !== null,
    existingProfile: vault.profiles().find((p) => p.fingerprint === fingerprint)?.name ?? null,
    backupsHoldingKey: backups,
    suggestedProfile: baseProfileName(raw.entryName),
  };
}

/** Plaintext keys in every file and block of one client. A file or block that cannot be read
 * is a problem of its own; the rest is still scanned. */
export async function scanClient(target: ClientTarget, vault: MigrationTarget): Promise<ClientScan> {
  const findings: KeyFinding[] = [];
  const problems: FileProblem[] = [];
  for (const read of await readClientFiles(target)) {
    problems.push(...read.problems);
    for (const hit of located(read.blocks)) {
      const backups = (await backupsHolding(read.file.configPath, hit.raw.key, target.backupDir)).length;
      findings.push(describeFinding(target, hit, vault, backups));
    }
  }
  return { findings, problems };
}

function entryLabel({ block, raw }: Located): string {
  return block.scope ? `${raw.entryName} (${block.scope})` : raw.entryName;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many.replace('#', String(n));
}

/** An `${input:…}` id for the key, not used yet in the file. */
function freeInputId(text: string, entryName: string): string {
  const base = `${baseProfileName(entryName)}-key`;
  const used = new Set<string>();
  for (const m of text.matchAll(/"id"\s*:\s*"([^"]*)"/g)) if (m[1]) used.add(m[1]);
  return freeName(base, used);
}

/**
 * Acts on one finding (by id) in its file:
 * - move: adds the key to the vault as a new profile and replaces every entry of the file that
 *   carries the same key with the bridge entry (same entry name, same block);
 * - use-existing: the same, pointing at the profile that already holds this key;
 * - keep-local (VS Code): the key becomes an `${input:…}` the app asks for once and keeps in its
 *   own secret storage; the local server keeps running.
 * The key is then replaced by a placeholder in every backup of the file. Nothing is written,
 * and no profile kept, if anything fails or the key would remain anywhere in the file.
 */
export async function migrate(
  target: ClientTarget,
  configPath: string,
  id: string,
  options: MigrateOptions,
  vault: MigrationTarget,
  entryOptions: BridgeEntryOptions,
): Promise<MigrationResult> {
  const { action, profile, endpoint: endpointOverride, replaceLocal } = migrateOptionsSchema.parse(options);
  if (action !== 'keep-local' && !profile) throw new UserError('Name the profile the key goes to.');
  let holders: Located[] = [];
  let movedKey: string | null = null;
  let pending: AddProfileInput | null = null;
  let added = false;
  let undoFailure: unknown = null;
  let inputId = '';

  const change = async (text: string): Promise<string> => {
    const all = located(readBlocksOf(target, configPath, text).blocks);
    const chosen = all.find((hit) => findingId(hit.block, hit.raw) === id);
    if (!chosen) throw new FindingGoneError(configPath);
    const key = chosen.raw.key;
    holders = all.filter((hit) => hit.raw.key === key);
    const finding = describeFinding(target, chosen, vault, 0);
    let out = text;
    if (action === 'keep-local') {
      if (!finding.keepLocalPossible) {
        throw new UserError(
          chosen.raw.local
            ? `${target.label} reads a server's key only from its config file, so KeyBridge cannot keep '${chosen.raw.entryName}' running locally without the key there. Leave it as it is, or replace it with the bridge.`
            : `'${chosen.raw.entryName}' is not a local server; move its key into KeyBridge instead.`,
        );
      }
      inputId = freeInputId(text, chosen.raw.entryName);
      for (const hit of holders) {
        out = replaceInString(out, [...hit.block.path, hit.raw.entryName, ...hit.raw.valuePath], key, `\${input:${inputId}}`);
      }
      const inputsPath = chosen.block.inputsPath ?? ['inputs'];
      out = appendToArray(out, inputsPath, {
        type: 'promptString',
        id: inputId,
        description: `API key for ${chosen.raw.entryName} (taken out of this file by KeyBridge)`,
        password: true,
      });
    } else {
      const local = holders.find((hit) => hit.raw.local);
      if (local && !replaceLocal) {
        throw new UserError(
          `'${local.raw.entryName}' is a local server (${local.raw.local}) that reads the key from its environment. Moving the key replaces it with KeyBridge's bridge to the remote endpoint, so a different server would run. Confirm that to move it; nothing was changed.`,
        );
      }
      const name = profileNameSchema.parse(profile);
      if (action === 'use-existing') {
        const existing = vault.profiles().find((p) => p.name === name);
        if (!existing) throw new UserError(`There is no profile named '${name}' any more. Scan again.`);
        if (existing.fingerprint !== keyFingerprint(key)) throw new UserError(`'${name}' holds a different key than ${chosen.raw.entryName}; move this key as a new profile instead.`);
      } else {
        const endpoint = endpointOverride ?? finding.endpoint;
        if (!endpoint) throw new UserError(finding.problem ?? 'The MCP URL is missing.');
        pending = {
          name,
          vendor: finding.vendor,
          endpoint: endpointSchema.parse(endpoint),
          auth: finding.auth,
          keyPrefix: null,
          note: `Moved from ${target.label} (${entryLabel(chosen)}).`,
          key,
        };
      }
      const entry = bridgeEntry(name, entryOptions, target.typedEntries);
      const done = new Set<string>();
      for (const hit of holders) {
        const mark = `${hit.block.path.join('\0')}\0${hit.raw.entryName}`;
        if (done.has(mark)) continue;
        done.add(mark);
        out = editEntry(out, hit.block.path, hit.raw.entryName, entry);
      }
    }
    const { body } = splitBom(out);
    const left = body.indexOf(key);
    if (left >= 0) {
      const { line, column } = lineAndColumn(body, left);
      throw new UserError(`The key also appears at ${configPath}:${line}:${column} outside a server entry KeyBridge understands; remove it there by hand, then try again. Nothing was changed.`);
    }
    movedKey = key;
    return out;
  };

  let outcome;
  try {
    outcome = await updateFile(configPath, change, {
      privateBackupDir: target.backupDir,
      beforeWrite: async () => {
        if (!pending) return;
        await vault.addProfile(pending);
        added = true;
      },
      afterWriteFailed: async () => {
        if (!added || !pending) return;
        try {
          await vault.removeProfile(pending.name);
          added = false;
        } catch (error) {
          undoFailure = error;
        }
      },
    });
  } catch (error) {
    if (!(error instanceof ConfigWriteError)) throw error;
    const name = (pending as AddProfileInput | null)?.name;
    if (undoFailure && name) {
      const why = undoFailure instanceof Error ? undoFailure.message : String(undoFailure);
      throw new MigrationError(`KeyBridge did not change ${configPath}: ${error.reason}. It could not take back the profile '${name}' it had just added (${why}); remove it on the Keys screen, then try again.`);
    }
    const kept = action === 'move' ? ' The key is still in the file, and KeyBridge did not keep it. Fix that and try again.' : ' Fix that and try again.';
    throw new MigrationError(`${error.message}${kept}`);
  }

  const entries = [...new Set(holders.map(entryLabel))];
  const key = movedKey as string | null;
  if (!key) throw new FindingGoneError(configPath);
  const placeholder = action === 'keep-local' ? `<moved to ${target.label}'s secret storage (input ${inputId})>` : `<moved to KeyBridge profile ${profile ?? ''}>`;
  const { scrubbed: scrubbedBackups, failed } = await scrubBackups(configPath, key, placeholder, target.backupDir);
  const list = entries.map((e) => `'${e}'`).join(', ');
  // The backup just made is always scrubbed; the user wants to hear about the earlier ones.
  const earlier = scrubbedBackups - (outcome.backupPath ? 1 : 0);
  const removedFrom = earlier > 0 ? ` It was also removed from ${plural(earlier, 'an earlier backup', '# earlier backups')} of the file.` : '';
  const stuck = failed.length > 0 ? ` KeyBridge could not remove it from ${failed.join(', ')}: delete ${failed.length === 1 ? 'that backup' : 'those backups'} yourself.` : '';
  const scrubbed = removedFrom + stuck;
  const message =
    action === 'move'
      ? `Moved into KeyBridge as ${profile ?? ''}. ${list} now ${entries.length === 1 ? 'starts' : 'start'} the bridge.${scrubbed}`
      : action === 'use-existing'
        ? `${list} now ${entries.length === 1 ? 'uses' : 'use'} the key KeyBridge already holds as '${profile ?? ''}'.${scrubbed}`
        : `The key is out of ${configPath}: ${target.label} asks for it the next time it starts ${list} and keeps it in its own secret storage. KeyBridge does not keep this key, so have it at hand.${scrubbed}`;
  return { action, profile: action === 'keep-local' ? null : (profile ?? null), entryNames: entries, backupPath: outcome.backupPath, scrubbedBackups, message };
}
