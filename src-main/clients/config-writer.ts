// Writing an assistant's config safely: one writer per file at a time in this process, the
// file re-read right before writing (an app may have rewritten it meanwhile), a backup of
// the previous bytes first (config-backups.ts), the checks of config-access.ts before
// anything happens, and an atomic replace that keeps the mode.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ConfigWriteError, readText, reasonOf, writeTarget } from './config-access';
import { backup, type WriteOptions } from './config-backups';
import { serialized } from './file-queue';

export interface WriteOutcome {
  changed: boolean;
  backupPath: string | null;
}

/** Takes back what beforeWrite did, when the write then failed. */
export type UndoBeforeWrite = () => Promise<void>;

export interface WriteHooks extends WriteOptions {
  /** Runs after every check and the backup, right before the write. If it throws, nothing is
   * written and the new backup is removed. It may answer how to take back what it did: that
   * runs if the write then fails. */
  beforeWrite?: () => Promise<UndoBeforeWrite | undefined>;
}

/**
 * Applies `change` to the file's current text and writes the result, serialized per file.
 * `change` returns the new text, or null for "nothing to do" (then nothing is written).
 * If the file changes between the read and the write, the change is recomputed on the new text.
 */
export function updateFile(file: string, change: (text: string) => string | null | Promise<string | null>, hooks: WriteHooks = {}): Promise<WriteOutcome> {
  return serialized(file, async () => {
    for (let attempt = 0; ; attempt++) {
      const before = await readText(file);
      const after = await change(before);
      if (after === null || after === before) return { changed: false, backupPath: null };
      const target = await writeTarget(file);
      let backupPath: string | null;
      try {
        backupPath = await backup(file, new Date(), hooks);
      } catch (error) {
        throw new ConfigWriteError(file, `its backup could not be made (${reasonOf(error)})`);
      }
      // A backup of a write that did not happen goes again (if its folder still lets it).
      const dropBackup = () => (backupPath ? rm(backupPath).catch(() => undefined) : Promise.resolve());
      // Someone (the assistant itself) wrote meanwhile: start again from what is there now.
      if ((await readText(file)) !== before && attempt < 3) {
        await dropBackup();
        continue;
      }
      let undo: UndoBeforeWrite | undefined;
      try {
        undo = await hooks.beforeWrite?.();
      } catch (error) {
        await dropBackup();
        throw error;
      }
      try {
        await mkdir(path.dirname(target.path), { recursive: true });
        await writeFileAtomic(target.path, after, { mode: target.mode ?? 0o600, encoding: 'utf8' });
      } catch (error) {
        await undo?.();
        await dropBackup();
        throw new ConfigWriteError(file, `writing it failed (${reasonOf(error)})`);
      }
      return { changed: true, backupPath };
    }
  });
}
