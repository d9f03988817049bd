// KeyBridge's own folder in the user's home (~/.keybridge: the launcher in bin/, config
// backups in backups/, the agent socket in run/) is owner-only: created 0700, and an existing
// one that is wider is tightened — it is ours. A symlink or a folder of another user in its
// place is refused, never followed or changed. The socket folder (run/) has its own, stricter
// rule in src-main/agent (refused when too open, never chmod-ed). Windows: folders only (its
// ACLs are per user already).
import { lstat, mkdir, chmod } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../src-shared/user-error';

export const PRIVATE_DIR_MODE = 0o700;

/** ~/.keybridge (posix paths, or win32 ones when platform is win32). */
export function keybridgeHome(homeDir: string, platform: NodeJS.Platform | string): string {
  return (platform === 'win32' ? path.win32 : path.posix).join(homeDir, '.keybridge');
}

export class PrivateDirError extends UserError {}

/**
 * Makes `dir` an owner-only folder: creates it (and missing parents) with mode 0700, or
 * tightens an existing folder of this user to 0700. Throws PrivateDirError for a symlink,
 * something that is not a folder, or a folder owned by someone else.
 */
export async function ensurePrivateDir(dir: string, platform: NodeJS.Platform | string = process.platform): Promise<void> {
  // Looked at without following links first: mkdir would follow one (or fail on a dangling one).
  const exists = await lstat(dir).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  if (!exists) await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (platform === 'win32') return;
  const info = await lstat(dir);
  if (info.isSymbolicLink()) {
    throw new PrivateDirError(`${dir} is a symbolic link; KeyBridge keeps its launcher and socket there only in a real folder of yours. Remove the link and start KeyBridge again.`);
  }
  if (!info.isDirectory()) throw new PrivateDirError(`${dir} is not a folder; move it away and start KeyBridge again.`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new PrivateDirError(`${dir} belongs to another user (uid ${info.uid}); KeyBridge needs a folder of its own there. Move it away and start KeyBridge again.`);
  }
  if ((info.mode & 0o777) !== PRIVATE_DIR_MODE) await chmod(dir, PRIVATE_DIR_MODE);
}

/** ~/.keybridge itself and the folders of it that KeyBridge writes (bin, backups), where they
 * exist or are needed: owner-only. run/ is left to the agent's own check. */
export async function securePrivateFolders(homeDir: string, platform: NodeJS.Platform | string): Promise<void> {
  const home = keybridgeHome(homeDir, platform);
  await ensurePrivateDir(home, platform);
  for (const folder of ['bin', 'backups']) {
    const dir = (platform === 'win32' ? path.win32 : path.posix).join(home, folder);
    const exists = await lstat(dir).then(
      () => true,
      () => false,
    );
    if (exists) await ensurePrivateDir(dir, platform);
  }
}
