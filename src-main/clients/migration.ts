// Moving plaintext keys out of assistants' configs into the vault. A scan reports findings
// with masked keys only (key-findings.ts); the raw key is read again from the file inside
// migrate(), so it never travels through the UI.
//
// A move is all or nothing: the file is checked (readable, writable, its folder writable, a
// backup possible) before the vault is touched; the profile is added right before the atomic
// write, and taken back if that write fails. So the key ends up either in the vault with the
// file pointing at the bridge, or still only in the file — never in both, never in neither.
// What the write changes is planned in migration-plan.ts; what follows it, in migration-outcome.ts.
import type { AddProfileInput } from '../../src-shared/profile';
import { UserError } from '../../src-shared/user-error';
import type { BridgeEntryOptions } from './bridge-entry';
import { ConfigWriteError } from './config-access';
import { updateFile } from './config-writer';
import type { HeldProfiles } from './key-findings';
import { finishMigration, type MigrationResult } from './migration-outcome';
import { FindingGoneError, migrateOptionsSchema, planMigration, type MigrateOptions, type MigrationPlan } from './migration-plan';
import type { ClientTarget } from './registry';

/** Where migrated keys go: the vault (the shell plugs it in). */
export interface MigrationTarget extends HeldProfiles {
  /** Rejects when the name is taken. */
  addProfile(input: AddProfileInput): Promise<unknown>;
  /** Takes back a profile added for a move whose file write then failed. */
  removeProfile(name: string): Promise<unknown>;
}

/** A move that did not happen, in words for the user. */
export class MigrationError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
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
  const choice = migrateOptionsSchema.parse(options);
  if (choice.action !== 'keep-local' && !choice.profile) throw new UserError('Name the profile the key goes to.');
  const request = { target, configPath, id, choice, vault, entryOptions };
  // The plan for the text last read (the write retries on a file that changed meanwhile), and
  // the profile it adds right before the write.
  let plan = null as MigrationPlan | null;
  let pending: AddProfileInput | null = null;
  /** A profile added for a write that then failed, and why it could not be taken back. */
  let notTakenBack = null as { name: string; error: unknown } | null;

  let outcome;
  try {
    outcome = await updateFile(
      configPath,
      (text) => {
        plan = planMigration(text, request);
        pending = plan.pending;
        return plan.text;
      },
      {
        privateBackupDir: target.backupDir,
        beforeWrite: async () => {
          if (!pending) return undefined;
          const { name } = pending;
          await vault.addProfile(pending);
          // Taken back if the write then fails: the key stays in the file, so the vault must not keep it.
          return async () => {
            try {
              await vault.removeProfile(name);
            } catch (error) {
              notTakenBack = { name, error };
            }
          };
        },
      },
    );
  } catch (error) {
    if (!(error instanceof ConfigWriteError)) throw error;
    if (notTakenBack) {
      const { name, error: why } = notTakenBack;
      const reason = why instanceof Error ? why.message : String(why);
      throw new MigrationError(`KeyBridge did not change ${configPath}: ${error.reason}. It could not take back the profile '${name}' it had just added (${reason}); remove it on the Keys screen, then try again.`);
    }
    const kept = choice.action === 'move' ? ' The key is still in the file, and KeyBridge did not keep it. Fix that and try again.' : ' Fix that and try again.';
    throw new MigrationError(`${error.message}${kept}`);
  }
  // Stryker disable next-line ConditionalExpression: updateFile resolves only after it ran the change, which sets plan; the check narrows the type
  if (!plan) throw new FindingGoneError(configPath);
  return finishMigration(target, configPath, choice, plan, outcome.backupPath);
}
