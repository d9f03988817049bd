// Reading an assistant's config, and checking before any change that it may be written.
// A file that is there but cannot be read is reported with its path and the reason
// (ConfigReadError), never thrown past its own client; a file KeyBridge must not or cannot
// write — read-only, owned by someone else, in a read-only folder, a symlink to nowhere — is
// refused before anything happens (ConfigWriteError), so callers can make "store the key and
// rewrite the file" all or nothing.
import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { lstat, open, readFile, readlink, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../src-shared/user-error';

/** Why the OS refused, in words (the code stays at the end for searching). */
export function reasonOf(error: unknown): string {
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

/** Whether `dir` is a folder that is there (following links). */
export function isFolder(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
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
      if (!(await isFolder(path.dirname(to)))) {
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
  if (await isFolder(folder)) {
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
