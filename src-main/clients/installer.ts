// Install, uninstall and state of the bridge entry in one assistant's config file.
import { bridgeEntry, entryNameFor, profileFromEntryName, profileLaunchedBy, sameJson, type BridgeEntryOptions } from './bridge-entry';
import { ConfigParseError, editEntry, parseConfig, serversOf } from './config-text';
import { readText, updateFile } from './config-writer';
import { scanEntry } from './key-scan';
import type { ClientId, ClientRef, ClientTarget } from './registry';

export type ClientStateKind = 'not-present' | 'not-connected' | 'connected' | 'changed' | 'error';

export interface ProfileEntry {
  entryName: string;
  profile: string;
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
  /** Server entries holding a plaintext key (see scanKeys for the masked details). */
  plaintextKeys: number;
  /** Why the file could not be read (state `error`). */
  error: { message: string; line: number; column: number } | null;
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

export class ClientNotPresentError extends Error {
  constructor(readonly target: ClientTarget) {
    super(`${target.label} does not seem to be installed here (${target.presenceDir} is missing). Install or start it once, then connect again.`);
    this.name = 'ClientNotPresentError';
  }
}

/** Reads one client's state from its file. */
export async function clientStatus(target: ClientTarget, options: BridgeEntryOptions): Promise<ClientStatus> {
  const base = { id: target.id, ref: target.ref, label: target.label, configPath: target.configPath, present: target.present };
  const text = await readText(target.configPath);
  let servers: Record<string, unknown>;
  try {
    servers = serversOf(parseConfig(target.configPath, text), target.serversKey);
  } catch (error) {
    if (!(error instanceof ConfigParseError)) throw error;
    const { message, line, column } = error;
    return { ...base, state: 'error', connected: [], changed: [], plaintextKeys: 0, error: { message, line, column } };
  }
  const connected: ProfileEntry[] = [];
  const changed: ProfileEntry[] = [];
  for (const [entryName, value] of Object.entries(servers)) {
    const profile = profileFromEntryName(entryName) ?? profileLaunchedBy(value, options.launcherPath);
    if (!profile) continue;
    const ours = sameJson(value, bridgeEntry(profile, options, target.typedEntries));
    if (ours) connected.push({ entryName, profile });
    else if (profileFromEntryName(entryName)) changed.push({ entryName, profile });
  }
  const state =
    changed.length > 0 ? 'changed' : connected.length > 0 ? 'connected' : target.present || text !== '' ? 'not-connected' : 'not-present';
  const plaintextKeys = Object.entries(servers).filter(([name, value]) => scanEntry(name, value).length > 0).length;
  return { ...base, state, connected, changed, plaintextKeys, error: null };
}

/** Adds or updates the `keybridge-<profile>` entry; writes nothing when it is already right. */
export async function install(target: ClientTarget, profile: string, options: BridgeEntryOptions): Promise<InstallResult> {
  if (!target.present) throw new ClientNotPresentError(target);
  const entryName = entryNameFor(profile);
  const entry = bridgeEntry(profile, options, target.typedEntries);
  const outcome = await updateFile(target.configPath, (text) => {
    const servers = serversOf(parseConfig(target.configPath, text), target.serversKey);
    return sameJson(servers[entryName], entry) ? null : editEntry(text, target.serversKey, entryName, entry);
  });
  return { entryName, ...outcome };
}

/** Removes this profile's bridge entries (ours by name, or launcher entries kept under the
 * user's name after a migration); nothing else. */
export async function uninstall(target: ClientTarget, profile: string, options: BridgeEntryOptions): Promise<UninstallResult> {
  const ownName = entryNameFor(profile);
  let removed: string[] = [];
  const outcome = await updateFile(target.configPath, (text) => {
    const servers = serversOf(parseConfig(target.configPath, text), target.serversKey);
    removed = Object.entries(servers)
      .filter(([name, value]) => name === ownName || profileLaunchedBy(value, options.launcherPath) === profile)
      .map(([name]) => name);
    if (removed.length === 0) return null;
    return removed.reduce((out, name) => editEntry(out, target.serversKey, name, undefined), text);
  });
  return { removed, backupPath: outcome.backupPath };
}
