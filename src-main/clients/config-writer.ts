// Writing an assistant's config safely: one writer per file at a time in this process, the
// file re-read right before writing (an app may have rewritten it meanwhile), a backup of
// the previous bytes first (the last few kept), and an atomic replace that keeps the mode.
//
// Files as they are on users' machines: a file KeyBridge cannot read is reported with its path
// and the reason (ConfigReadError), never thrown past its own client; a file it must not or
// cannot write — read-only, owned by someone else, in a read-only folder, a symlink to nowhere
// — is refused before anything happens (ConfigWriteError), so callers can make "store the key
// and rewrite the file" all or nothing. Backups never land in a folder more open than the file.
import { constants } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, open, readdir, readFile, readlink, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserError } from '../../src-shared/user-error';

export const BACKUP_MARK = '.keybridge-backup-';
export const BACKUPS_KEPT = 5;

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task on the same file has finished. */
export function serialized<T>(file: string, task: () => Promise<T>): Promise<T> {
  const key = path.resolve(file);
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

/** Why the OS refused, in words (the code stays at the end for searching). */
function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'it is a folder, not a file',
    ENOTDIR: 'a part of its path is not a folder',
    ELOOP: 'it is a symbolic link that points to itself',
    EROFS: 'the disk is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EIO: 'the disk reported an input/output error',
    EBUSY: 'the file is busy',
  };
  const text = words[code] ?? (error instanceof Error ? error.message : String(error));
  return code && words[code] ? `${text} (${code})` : text;
}

/** A config that exists but cannot be read: shown on its own client's card, nothing else fails. */
export class ConfigReadError extends UserError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`KeyBridge cannot read ${file}: ${reason}. It left the file alone; fix its permissions (or move it aside) and KeyBridge will pick it up.`);
    this.name = 'ConfigReadError';
  }
}

/** A config KeyBridge will not (or cannot) write; nothing was changed. */
export class ConfigWriteError extends UserError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`KeyBridge did not change ${file}: ${reason}. Nothing was changed.`);
    this.name = 'ConfigWriteError';
  }
}

/** The file's text, or '' when it does not exist (a dangling symlink counts as missing).
 * Throws ConfigReadError for a file that is there but cannot be read. */
export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new ConfigReadError(file, reasonOf(error));
  }
}

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

/** The file a write must go to: the file itself, or the target of a symlink (also one that
 * points at a file not created yet). Refuses what cannot be written with the reason. */
export async function writeTarget(file: string): Promise<{ path: string; mode: number | null }> {
  let real = file;
  const link = await lstat(file).catch(() => null);
  if (link?.isSymbolicLink()) {
    try {
      real = await realpath(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigWriteError(file, `it is a symbolic link KeyBridge cannot follow: ${reasonOf(error)}`);
      // A dangling link: write to where it points, if that folder exists.
      const to = path.resolve(path.dirname(file), await readlink(file));
      if (!(await stat(path.dirname(to)).then((s) => s.isDirectory(), () => false))) {
        throw new ConfigWriteError(file, `it is a symbolic link to ${to}, whose folder does not exist; create it (or replace the link with a file) and try again`);
      }
      real = to;
    }
  }
  const current = await stat(real).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new ConfigWriteError(file, reasonOf(error));
  });
  if (current?.isDirectory()) throw new ConfigWriteError(file, 'it is a folder, not a file');
  const mode = current ? current.mode & 0o7777 : null;
  if (mode !== null && (mode & 0o222) === 0) {
    throw new ConfigWriteError(file, `the file is read-only (mode ${mode.toString(8).padStart(4, '0')}); make it writable (chmod u+w) if KeyBridge may change it, or add the entry by hand (Show snippet)`);
  }
  // Checked by trying, not with access(2): that asks about the real user, the OS decides by
  // the effective one. Opening for writing changes nothing; the probe file is removed at once.
  if (current) {
    try {
      await (await open(real, constants.O_WRONLY)).close();
    } catch (error) {
      throw new ConfigWriteError(file, `you may not write the file (${reasonOf(error)}); it may belong to another user`);
    }
  }
  const folder = path.dirname(real);
  if (await stat(folder).then((s) => s.isDirectory(), () => false)) {
    const probe = path.join(folder, `.${path.basename(real)}.keybridge-probe-${randomBytes(4).toString('hex')}`);
    try {
      await (await open(probe, 'wx', 0o600)).close();
    } catch (error) {
      throw new ConfigWriteError(file, `its folder ${folder} cannot be written (${reasonOf(error)}); the atomic replace needs a new file there`);
    }
    await rm(probe, { force: true });
  }
  return { path: real, mode };
}

export interface WriteOutcome {
  changed: boolean;
  backupPath: string | null;
}

export interface WriteHooks extends WriteOptions {
  /** Runs after every check and the backup, right before the write. If it throws, nothing is
   * written and the new backup is removed. */
  beforeWrite?: () => Promise<void>;
  /** Runs when the write failed after beforeWrite succeeded: undo what beforeWrite did. */
  afterWriteFailed?: (error: unknown) => Promise<void>;
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
      const dropBackup = () => (backupPath ? rm(backupPath, { force: true }).catch(() => undefined) : Promise.resolve());
      // Someone (the assistant itself) wrote meanwhile: start again from what is there now.
      if ((await readText(file)) !== before && attempt < 3) {
        await dropBackup();
        continue;
      }
      try {
        await hooks.beforeWrite?.();
      } catch (error) {
        await dropBackup();
        throw error;
      }
      try {
        await mkdir(path.dirname(target.path), { recursive: true });
        await writeFileAtomic(target.path, after, { mode: target.mode ?? 0o600, encoding: 'utf8' });
      } catch (error) {
        await hooks.afterWriteFailed?.(error);
        await dropBackup();
        throw new ConfigWriteError(file, `writing it failed (${reasonOf(error)})`);
      }
      return { changed: true, backupPath };
    }
  });
}
