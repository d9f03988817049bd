// What a migration does to the file's text, decided on the text as it is right before the
// write: the user's choice checked against the finding (and the vault), then every entry that
// carries the key rewritten. Nothing here writes or touches the vault; migration.ts applies it.
import { z } from 'zod';
import { endpointSchema, profileNameSchema, type AddProfileInput } from '../../src-shared/profile';
import { UserError } from '../../src-shared/user-error';
import { keyFingerprint } from '../upstream/key-fingerprint';
import { bridgeEntry, type BridgeEntryOptions } from './bridge-entry';
import { appendToArray, editEntry, replaceInString } from './config-edit';
import { lineAndColumn, splitBom } from './config-parse';
import { baseProfileName, describeFinding, findingId, freeName, located, type HeldProfiles, type KeyFinding, type Located } from './key-findings';
import type { ClientTarget } from './registry';
import { readBlocksOf } from './server-blocks';

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
export type MigrateChoice = z.output<typeof migrateOptionsSchema>;

export class FindingGoneError extends UserError {
  constructor(file: string) {
    super(`That key is no longer in ${file} (the file changed). Scan again.`);
    this.name = 'FindingGoneError';
  }
}

/** One finding (by id) in one file, and what to do with it. */
export interface MigrationRequest {
  target: ClientTarget;
  configPath: string;
  id: string;
  choice: MigrateChoice;
  vault: HeldProfiles;
  entryOptions: BridgeEntryOptions;
}

export interface MigrationPlan {
  /** The file's new text: the key is nowhere in it. */
  text: string;
  key: string;
  /** Every entry of the file that carried the key. */
  holders: Located[];
  /** move: the profile to add right before the write; else null. */
  pending: AddProfileInput | null;
  /** keep-local: the `${input:…}` the key became; else ''. */
  inputId: string;
}

/** An entry's name, with its block when not the main one. */
export function entryLabel({ block, raw }: Located): string {
  return block.scope ? `${raw.entryName} (${block.scope})` : raw.entryName;
}

/** An `${input:…}` id for the key, not used yet in the file. */
function freeInputId(text: string, entryName: string): string {
  const base = `${baseProfileName(entryName)}-key`;
  const used = new Set<string>();
  for (const m of text.matchAll(/"id"\s*:\s*"([^"]*)"/g)) if (m[1]) used.add(m[1]);
  return freeName(base, used);
}

type Edit = Pick<MigrationPlan, 'text' | 'pending' | 'inputId'>;

/** keep-local: the key becomes an `${input:…}` the app asks for once. */
function keepLocal(text: string, target: ClientTarget, chosen: Located, finding: KeyFinding, holders: Located[]): Edit {
  if (!finding.keepLocalPossible) {
    throw new UserError(
      chosen.raw.local
        ? `${target.label} reads a server's key only from its config file, so KeyBridge cannot keep '${chosen.raw.entryName}' running locally without the key there. Leave it as it is, or replace it with the bridge.`
        : `'${chosen.raw.entryName}' is not a local server; move its key into KeyBridge instead.`,
    );
  }
  const inputId = freeInputId(text, chosen.raw.entryName);
  let out = text;
  for (const hit of holders) {
    out = replaceInString(out, [...hit.block.path, hit.raw.entryName, ...hit.raw.valuePath], chosen.raw.key, `\${input:${inputId}}`);
  }
  out = appendToArray(out, chosen.block.inputsPath ?? ['inputs'], {
    type: 'promptString',
    id: inputId,
    description: `API key for ${chosen.raw.entryName} (taken out of this file by KeyBridge)`,
    password: true,
  });
  return { text: out, pending: null, inputId };
}

/** move / use-existing: every entry carrying the key starts the bridge for the profile. */
function toBridge(text: string, request: MigrationRequest, chosen: Located, finding: KeyFinding, holders: Located[]): Edit {
  const { target, choice, vault } = request;
  const key = chosen.raw.key;
  const local = holders.find((hit) => hit.raw.local);
  if (local && !choice.replaceLocal) {
    throw new UserError(
      `'${local.raw.entryName}' is a local server (${local.raw.local}) that reads the key from its environment. Moving the key replaces it with KeyBridge's bridge to the remote endpoint, so a different server would run. Confirm that to move it; nothing was changed.`,
    );
  }
  const name = profileNameSchema.parse(choice.profile);
  let pending: AddProfileInput | null = null;
  if (choice.action === 'use-existing') {
    const existing = vault.profiles().find((p) => p.name === name);
    if (!existing) throw new UserError(`There is no profile named '${name}' any more. Scan again.`);
    if (existing.fingerprint !== keyFingerprint(key)) throw new UserError(`'${name}' holds a different key than ${chosen.raw.entryName}; move this key as a new profile instead.`);
  } else {
    const endpoint = choice.endpoint ?? finding.endpoint;
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
  const entry = bridgeEntry(name, request.entryOptions, target.typedEntries);
  const done = new Set<string>();
  let out = text;
  for (const hit of holders) {
    const mark = `${hit.block.path.join('\0')}\0${hit.raw.entryName}`;
    if (done.has(mark)) continue;
    done.add(mark);
    out = editEntry(out, hit.block.path, hit.raw.entryName, entry);
  }
  return { text: out, pending, inputId: '' };
}

/** The plan for the file's current text. Throws (nothing is written) when the finding is gone,
 * the choice does not fit it, or the key would remain anywhere in the file. */
export function planMigration(text: string, request: MigrationRequest): MigrationPlan {
  const { target, configPath, id, choice, vault } = request;
  const all = located(readBlocksOf(target, configPath, text).blocks);
  const chosen = all.find((hit) => findingId(hit.block, hit.raw) === id);
  if (!chosen) throw new FindingGoneError(configPath);
  const key = chosen.raw.key;
  const holders = all.filter((hit) => hit.raw.key === key);
  const finding = describeFinding(target, chosen, vault, 0);
  const edit = choice.action === 'keep-local' ? keepLocal(text, target, chosen, finding, holders) : toBridge(text, request, chosen, finding, holders);
  const { body } = splitBom(edit.text);
  const left = body.indexOf(key);
  if (left >= 0) {
    const { line, column } = lineAndColumn(body, left);
    throw new UserError(`The key also appears at ${configPath}:${line}:${column} outside a server entry KeyBridge understands; remove it there by hand, then try again. Nothing was changed.`);
  }
  return { ...edit, key, holders };
}
