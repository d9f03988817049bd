// Writing an assistant's config safely: one writer per file at a time in this process, the
// file re-read right before writing (an app may have rewritten it meanwhile), a backup of
// the previous bytes first (the last few kept), and an atomic replace that keeps the mode.
import { copyFile, mkdir, readdir, readFile, rm, stat, chmod } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

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

/** The file's text, or '' when it does not exist. */
export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** The backups of a file, oldest first. */
export async function listBackups(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}${BACKUP_MARK}`;
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(prefix)).sort().map((n) => path.join(dir, n));
}

/** Copies the file to `<file>.keybridge-backup-<UTC stamp>` (same mode) and prunes old ones. */
export async function backup(file: string, now = new Date()): Promise<string | null> {
  if (!(await exists(file))) return null;
  let target = `${file}${BACKUP_MARK}${stamp(now)}`;
  for (let n = 1; await exists(target); n++) target = `${file}${BACKUP_MARK}${stamp(now)}-${n}`;
  await copyFile(file, target);
  await chmod(target, (await stat(file)).mode & 0o7777);
  const all = await listBackups(file);
  await Promise.all(all.slice(0, Math.max(0, all.length - BACKUPS_KEPT)).map((old) => rm(old, { force: true })));
  return target;
}

/** Replaces `secret` with `placeholder` in every backup of the file: a key moved into the
 * vault must not stay behind in a copy of the assistant's config. */
export function scrubBackups(file: string, secret: string, placeholder: string): Promise<void> {
  return serialized(file, async () => {
    for (const copy of await listBackups(file)) {
      const text = await readFile(copy, 'utf8');
      if (!text.includes(secret)) continue;
      const mode = (await stat(copy)).mode & 0o7777;
      await writeFileAtomic(copy, text.split(secret).join(placeholder), { mode, encoding: 'utf8' });
    }
  });
}

export interface WriteOutcome {
  changed: boolean;
  backupPath: string | null;
}

/**
 * Applies `change` to the file's current text and writes the result, serialized per file.
 * `change` returns the new text, or null for "nothing to do" (then nothing is written).
 * If the file changes between the read and the write, the change is recomputed on the new text.
 */
export function updateFile(file: string, change: (text: string) => string | null | Promise<string | null>): Promise<WriteOutcome> {
  return serialized(file, async () => {
    for (let attempt = 0; ; attempt++) {
      const before = await readText(file);
      const after = await change(before);
      if (after === null || after === before) return { changed: false, backupPath: null };
      const backupPath = await backup(file);
      // Someone (the assistant itself) wrote meanwhile: start again from what is there now.
      if ((await readText(file)) !== before && attempt < 3) continue;
      const mode = await stat(file).then((s) => s.mode & 0o7777, () => 0o600);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, after, { mode, encoding: 'utf8' });
      return { changed: true, backupPath };
    }
  });
}
