// Backups of an assistant's config: a copy of the previous bytes before every write (the last
// few kept), never in a folder more open than the file (then in KeyBridge's private folder),
// and scrubbed of a key once it has been moved into the vault.
import { constants } from 'node:fs';
import { createHash } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { serialized } from './file-queue';

export const BACKUP_MARK = '.keybridge-backup-';
export const BACKUPS_KEPT = 5;

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('.', '');
}

export interface WriteOptions {
  /** A private folder (0700) for backups of files whose own folder is more open than they
   * are, e.g. ~/.keybridge/backups. Without it such files are written without a backup. */
  privateBackupDir?: string | null;
}

/** The folder for one file's backups inside the private folder: the file's folder name plus
 * a hash of its full path (`.cursor-1a2b3c4d`), so two `mcp.json` never share backups. */
function privateFolderFor(file: string, privateBackupDir: string): string {
  const hash = createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 8);
  const parent = path.basename(path.dirname(path.resolve(file))).replace(/[^A-Za-z0-9._-]+/g, '_') || 'root';
  return path.join(privateBackupDir, `${parent}-${hash}`);
}

/** The backups of a file (next to it and in the private folder), oldest first. */
export async function listBackups(file: string, privateBackupDir?: string | null): Promise<string[]> {
  const prefix = `${path.basename(file)}${BACKUP_MARK}`;
  const dirs = [path.dirname(file), ...(privateBackupDir ? [privateFolderFor(file, privateBackupDir)] : [])];
  const found: { at: string; stamp: string }[] = [];
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) if (name.startsWith(prefix)) found.push({ at: path.join(dir, name), stamp: name.slice(prefix.length) });
  }
  return found.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0)).map((b) => b.at);
}

/** Whether a folder lets someone (group or others) at more than the file lets them: they may
 * create or replace files in it, or enter it while they cannot read the file. A copy of the
 * file does not belong there. */
export function folderMoreOpen(folderMode: number, fileMode: number): boolean {
  for (const shift of [3, 0]) {
    const folder = (folderMode >> shift) & 0o7;
    const file = (fileMode >> shift) & 0o7;
    if (folder & 0o2) return true;
    if (folder & 0o5 && !(file & 0o4)) return true;
  }
  return false;
}

/** Where a new backup of `file` goes, or null when there is no safe place for one. */
async function backupPlace(file: string, fileMode: number, options: WriteOptions): Promise<string | null> {
  const folderMode = (await stat(path.dirname(file))).mode;
  if (!folderMoreOpen(folderMode, fileMode)) return `${file}${BACKUP_MARK}`;
  if (!options.privateBackupDir) return null;
  const folder = privateFolderFor(file, options.privateBackupDir);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  for (const dir of [options.privateBackupDir, folder]) await chmod(dir, 0o700);
  return path.join(folder, `${path.basename(file)}${BACKUP_MARK}`);
}

/** Copies the file (same mode) next to it, or to the private folder when its own folder is
 * more open than the file, and prunes old copies. Null when the file does not exist. */
export async function backup(file: string, now = new Date(), options: WriteOptions = {}): Promise<string | null> {
  const current = await stat(file).catch(() => null);
  if (!current) return null;
  const mode = current.mode & 0o7777;
  const place = await backupPlace(file, mode, options);
  if (place === null) return null;
  let target = `${place}${stamp(now)}`;
  for (let n = 1; await exists(target); n++) target = `${place}${stamp(now)}-${n}`;
  // EXCL: never write through a file (or symlink) someone put at that name.
  await copyFile(file, target, constants.COPYFILE_EXCL);
  await chmod(target, mode);
  const all = await listBackups(file, options.privateBackupDir);
  await Promise.all(all.slice(0, Math.max(0, all.length - BACKUPS_KEPT)).map((old) => rm(old, { force: true })));
  return target;
}

/** The backups of the file that still hold `secret`. */
export async function backupsHolding(file: string, secret: string, privateBackupDir?: string | null): Promise<string[]> {
  const holding: string[] = [];
  for (const copy of await listBackups(file, privateBackupDir)) {
    const text = await readFile(copy, 'utf8').catch(() => '');
    if (text.includes(secret)) holding.push(copy);
  }
  return holding;
}

/** Replaces `secret` with `placeholder` in every backup of the file: a key moved into the
 * vault must not stay behind in a copy of the assistant's config. Answers how many copies were
 * scrubbed and the ones that could not be (they are named to the user). */
export function scrubBackups(file: string, secret: string, placeholder: string, privateBackupDir?: string | null): Promise<{ scrubbed: number; failed: string[] }> {
  return serialized(file, async () => {
    let scrubbed = 0;
    const failed: string[] = [];
    for (const copy of await listBackups(file, privateBackupDir)) {
      try {
        const text = await readFile(copy, 'utf8');
        if (!text.includes(secret)) continue;
        const mode = (await stat(copy)).mode & 0o7777;
        await writeFileAtomic(copy, text.split(secret).join(placeholder), { mode, encoding: 'utf8' });
        scrubbed++;
      } catch {
        failed.push(copy);
      }
    }
    return { scrubbed, failed };
  });
}
