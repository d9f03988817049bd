// After a migration's write: the moved key is scrubbed from every backup of the file, and the
// result is put in words for the user (which entries changed, which backups still hold it).
import { scrubBackups } from './config-backups';
import { entryLabel, type MigrationPlan } from './migration-plan';
import type { ClientTarget } from './registry';

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

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many.replace('#', String(n));
}

/** Scrubs the key of a written plan from the file's backups and reports the migration. */
export async function finishMigration(
  target: ClientTarget,
  configPath: string,
  choice: { action: MigrationResult['action']; profile?: string | undefined },
  plan: MigrationPlan,
  backupPath: string | null,
): Promise<MigrationResult> {
  const { action, profile } = choice;
  const entries = [...new Set(plan.holders.map(entryLabel))];
  const placeholder = action === 'keep-local' ? `<moved to ${target.label}'s secret storage (input ${plan.inputId})>` : `<moved to KeyBridge profile ${profile ?? ''}>`;
  const { scrubbed: scrubbedBackups, failed } = await scrubBackups(configPath, plan.key, placeholder, target.backupDir);
  const list = entries.map((e) => `'${e}'`).join(', ');
  // The backup just made is always scrubbed; the user wants to hear about the earlier ones.
  const earlier = scrubbedBackups - (backupPath ? 1 : 0);
  const removedFrom = earlier > 0 ? ` It was also removed from ${plural(earlier, 'an earlier backup', '# earlier backups')} of the file.` : '';
  const stuck = failed.length > 0 ? ` KeyBridge could not remove it from ${failed.join(', ')}: delete ${failed.length === 1 ? 'that backup' : 'those backups'} yourself.` : '';
  const scrubbed = removedFrom + stuck;
  const message =
    action === 'move'
      ? `Moved into KeyBridge as ${profile ?? ''}. ${list} now ${entries.length === 1 ? 'starts' : 'start'} the bridge.${scrubbed}`
      : action === 'use-existing'
        ? `${list} now ${entries.length === 1 ? 'uses' : 'use'} the key KeyBridge already holds as '${profile ?? ''}'.${scrubbed}`
        : `The key is out of ${configPath}: ${target.label} asks for it the next time it starts ${list} and keeps it in its own secret storage. KeyBridge does not keep this key, so have it at hand.${scrubbed}`;
  return { action, profile: action === 'keep-local' ? null : (profile ?? null), entryNames: entries, backupPath, scrubbedBackups, message };
}
