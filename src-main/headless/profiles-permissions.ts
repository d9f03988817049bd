// Reading the headless agent's profiles file only if no one else may: it must be a regular
// file owned by the current user with no group or other bits (0600, 0400, …). A symbolic link
// is refused, not followed: its target could be swapped or owned by someone else, and the
// folder watch would miss edits to it. The checks are made on the open file descriptor
// (O_NOFOLLOW, fstat), so a file swapped between the check and the read is never read. On
// Windows, where POSIX modes mean nothing, only the "regular file" check applies.
import { constants, closeSync, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Larger than any sensible profiles file; a bound on what is read into memory. */
export const MAX_PROFILES_FILE_BYTES = 1024 * 1024;

/** The parts of a stat the permission check reads (so tests can pass any uid). */
export type FileFacts = Pick<Stats, 'uid' | 'mode' | 'isFile' | 'isSymbolicLink'>;

const symlinkRefused = (path: string) => `${path} is a symbolic link; KeyBridge reads only the file itself (pass its real path).`;

/** Why `path` may not be read as a profiles file, or null when it may. `uid`: the current
 * user (undefined where the OS has no uids, i.e. Windows: owner and mode are not checked). */
export function permissionProblem(path: string, stat: FileFacts, uid: number | undefined): string | null {
  if (stat.isSymbolicLink()) return symlinkRefused(path);
  if (!stat.isFile()) return `${path} is not a regular file.`;
  if (uid === undefined) return null;
  if (stat.uid !== uid) {
    return `${path} belongs to another user (uid ${stat.uid}, you are uid ${uid}); KeyBridge reads keys only from a file you own.`;
  }
  const mode = stat.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return `${path} can be read or changed by other users (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${path}`;
  }
  return null;
}

/** The file's text, read only after its permissions were checked (on the path, then on what
 * was opened), or why it was not read. `uid`: as for permissionProblem. */
export function readOwnFile(path: string, uid: number | undefined): { ok: true; text: string } | { ok: false; message: string } {
  const tooLarge = { ok: false as const, message: `${path} is larger than ${MAX_PROFILES_FILE_BYTES} bytes; is it the right file?` };
  let fd: number;
  try {
    const problem = permissionProblem(path, lstatSync(path), uid);
    if (problem) return { ok: false, message: problem };
    // O_NOFOLLOW: a symlink swapped in after the lstat fails here; O_NONBLOCK: a FIFO swapped
    // in does not hang the open. Then the checks again, on what was actually opened.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { ok: false, message: readFailure(path, error) };
  }
  try {
    const stat = fstatSync(fd);
    const problem = permissionProblem(path, stat, uid);
    if (problem) return { ok: false, message: problem };
    if (stat.size > MAX_PROFILES_FILE_BYTES) return tooLarge;
    const buffer = Buffer.alloc(Math.min(stat.size + 1, MAX_PROFILES_FILE_BYTES + 1));
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_PROFILES_FILE_BYTES) return tooLarge;
    return { ok: true, text: buffer.subarray(0, length).toString('utf8') };
  } catch (error) {
    return { ok: false, message: readFailure(path, error) };
  } finally {
    closeSync(fd);
  }
}

function readFailure(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return `${path} does not exist.`;
    case 'EACCES':
    case 'EPERM':
      return `${path} cannot be read (permission denied).`;
    case 'ELOOP':
      return symlinkRefused(path);
    case 'EISDIR':
      return `${path} is not a regular file.`;
    default:
      return `${path} cannot be read (${code ?? (error instanceof Error ? error.message : String(error))}).`;
  }
}
