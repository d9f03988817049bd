// Install, uninstall and state of the bridge entry in one assistant's config file.
import { bridgeEntry, entryNameFor, profileFromEntryName, profileLaunchedBy, sameJson, type BridgeEntryOptions } from './bridge-entry';
import { editEntry } from './config-edit';
import { parseConfig, serversOf } from './config-parse';
import { backupsHolding } from './config-backups';
import { updateFile } from './config-writer';
import { scanEntry } from './key-scan';
import type { ClientId, ClientRef, ClientTarget } from './registry';
import { readBlocksOf, readClientFiles, type FileProblem } from './server-blocks';
import { UserError } from '../../src-shared/user-error';

export type ClientStateKind = 'not-present' | 'not-connected' | 'connected' | 'changed' | 'error';

export interface ProfileEntry {
  entryName: string;
  profile: string;
  /** Absent in the main block; else e.g. `project /src/app`. */
  scope?: string;
}

export interface ClientStatus {
  id: ClientId;
  ref: ClientRef;
  label: string;
  configPath: string;
  present: boolean;
  /** error > changed > connected > not-connected > not-present: the one that needs attention first. */
  state: ClientStateKind;
  /** Entries exactly as KeyBridge writes them. */
  connected: ProfileEntry[];
  /** `keybridge-<profile>` entries someone else changed (command, args or env differ). */
  changed: ProfileEntry[];
  /** Server entries holding a plaintext key, in every block of the client's files (see
   * scanKeys for the masked details). */
  plaintextKeys: number;
  /** Backups of the client's files that hold one of those plaintext keys. */
  plaintextBackups: number;
  /** Why the main file could not be read (state `error`): its path and the reason; line and
   * column when it does not parse. */
  error: { message: string; line: number | null; column: number | null } | null;
  /** Problems of the client's other files or blocks (settings.json, a project's block). */
  problems: FileProblem[];
}

export interface InstallResult {
  entryName: string;
  /** False when the file already held exactly this entry (nothing was written). */
  changed: boolean;
  backupPath: string | null;
}

export interface UninstallResult {
  removed: string[];
  backupPath: string | null;
}

export class ClientNotPresentError extends UserError {
  constructor(readonly target: ClientTarget) {
    super(`${target.label} does not seem to be installed here (${target.presenceDir} is missing). Install or start it once, then connect again.`);
    this.name = 'ClientNotPresentError';
  }
}

/** Reads one client's state from its files. A file it cannot read or parse is the client's
 * error (with the path and the reason); it never throws for a file's own problem. */
export async function clientStatus(target: ClientTarget, options: BridgeEntryOptions): Promise<ClientStatus> {
  const base = { id: target.id, ref: target.ref, label: target.label, configPath: target.configPath, present: target.present };
  const reads = await readClientFiles(target);
  const main = reads[0];
  const mainProblem = main?.problems.find((p) => p.scope === null && p.configPath === target.configPath);
  const problems = reads.flatMap((r) => r.problems).filter((p) => p !== mainProblem);
  const connected: ProfileEntry[] = [];
  const changed: ProfileEntry[] = [];
  const keys = new Set<string>();
  let plaintextKeys = 0;
  for (const { blocks } of reads) {
    for (const { block, servers } of blocks) {
      for (const [entryName, value] of Object.entries(servers)) {
        const found = scanEntry(entryName, value);
        if (found.length > 0) plaintextKeys++;
        for (const f of found) keys.add(f.key);
        const own = block.scope === null ? profileFromEntryName(entryName) : null;
        const profile = own ?? profileLaunchedBy(value, options.launcherPath);
        if (!profile) continue;
        const entry: ProfileEntry = block.scope ? { entryName, profile, scope: block.scope } : { entryName, profile };
        if (sameJson(value, bridgeEntry(profile, options, target.typedEntries))) connected.push(entry);
        else if (own) changed.push(entry);
      }
    }
  }
  let plaintextBackups = 0;
  if (keys.size > 0) {
    for (const { file } of reads) {
      const held = new Set<string>();
      for (const key of keys) for (const copy of await backupsHolding(file.configPath, key, target.backupDir)) held.add(copy);
      plaintextBackups += held.size;
    }
  }
  if (mainProblem) {
    const position = parsePosition(mainProblem.message);
    return { ...base, state: 'error', connected, changed, plaintextKeys, plaintextBackups, error: { message: mainProblem.message, ...position }, problems };
  }
  const exists = (main?.text ?? '') !== '';
  const state = changed.length > 0 ? 'changed' : connected.length > 0 ? 'connected' : target.present || exists ? 'not-connected' : 'not-present';
  return { ...base, state, connected, changed, plaintextKeys, plaintextBackups, error: null, problems };
}

/** Line and column of a ConfigParseError's message (`file:line:column: …`), else nulls. */
function parsePosition(message: string): { line: number | null; column: number | null } {
  const at = /:(\d+):(\d+): /.exec(message);
  return at ? { line: Number(at[1]), column: Number(at[2]) } : { line: null, column: null };
}

/** Adds or updates the `keybridge-<profile>` entry; writes nothing when it is already right. */
export async function install(target: ClientTarget, profile: string, options: BridgeEntryOptions): Promise<InstallResult> {
  if (!target.present) throw new ClientNotPresentError(target);
  const entryName = entryNameFor(profile);
  const entry = bridgeEntry(profile, options, target.typedEntries);
  const outcome = await updateFile(
    target.configPath,
    (text) => {
      const servers = serversOf(parseConfig(target.configPath, text), target.serversKey);
      return sameJson(servers[entryName], entry) ? null : editEntry(text, target.serversKey, entryName, entry);
    },
    { privateBackupDir: target.backupDir },
  );
  return { entryName, ...outcome };
}

/** Removes this profile's bridge entries (ours by name, or launcher entries kept under the
 * user's name after a migration, in every block of the client's files); nothing else. */
export async function uninstall(target: ClientTarget, profile: string, options: BridgeEntryOptions): Promise<UninstallResult> {
  const ownName = entryNameFor(profile);
  const removed: string[] = [];
  let backupPath: string | null = null;
  for (const file of [target.configPath, ...new Set(target.extraBlocks.map((b) => b.configPath))]) {
    let here: { path: string[]; name: string }[] = [];
    const update = updateFile(
      file,
      (text) => {
        if (file !== target.configPath && text === '') return null;
        const { blocks } = readBlocksOf(target, file, text);
        here = blocks.flatMap(({ block, servers }) =>
          Object.entries(servers)
            .filter(([name, value]) => (block.scope === null && name === ownName) || profileLaunchedBy(value, options.launcherPath) === profile)
            .map(([name]) => ({ path: block.path, name })),
        );
        if (here.length === 0) return null;
        return here.reduce((out, { path, name }) => editEntry(out, path, name, undefined), text);
      },
      { privateBackupDir: target.backupDir },
    );
    // Only the main file's problems stop an uninstall; another file's are on the card already.
    const outcome = file === target.configPath ? await update : await update.catch(() => ({ changed: false, backupPath: null }));
    if (outcome.changed) removed.push(...here.map((h) => h.name));
    backupPath ??= outcome.backupPath;
  }
  return { removed, backupPath };
}
