// Notices every change to the profiles file within a second, however it is made: written in
// place, replaced by an atomic rename (a new inode: most editors, `mv`, config managers),
// deleted and re-created, chmod-ed. fs.watch on the file's *folder* (a watch on the file
// itself follows the old inode after a rename) gives the change at once where it works; a
// poll of lstat (inode, size, mtime, ctime, mode, owner) every ~500 ms covers where it does
// not (network and container file systems, watch limits, a folder that was replaced).
import { lstatSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export const DEFAULT_POLL_MS = 500;
/** fs.watch reports every write of a save; wait this long for the save to finish. */
export const DEFAULT_SETTLE_MS = 50;

export interface ProfilesWatch {
  close(): void;
}

export interface WatchOptions {
  pollMs?: number;
  settleMs?: number;
  /** The file's signature when it was last read (fileSignature), so that a change made
   * between that read and this watch starting is not missed. */
  since?: string;
  /** false: poll only (what happens where fs.watch gives nothing); default true. */
  fsWatch?: boolean;
}

/** What the poll compares: any edit, replace, delete, chmod or chown changes it. */
export function fileSignature(path: string): string {
  try {
    const s = lstatSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.mode}:${s.uid}`;
  } catch (error) {
    return `missing:${(error as NodeJS.ErrnoException | null)?.code ?? 'error'}`;
  }
}

/** Calls `onChange` (settled, at most once per settle period) after anything that changed `path`. */
export function watchProfilesFile(path: string, onChange: () => void, options: WatchOptions = {}): ProfilesWatch {
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const dir = dirname(path);
  const name = basename(path);
  let seen = options.since ?? fileSignature(path);
  let watcher: FSWatcher | null = null;
  let settleTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const fire = () => {
    settleTimer = null;
    if (closed) return;
    seen = fileSignature(path);
    onChange();
  };
  const soon = () => {
    if (closed || settleTimer) return;
    settleTimer = setTimeout(fire, settleMs);
    settleTimer.unref();
  };

  const arm = () => {
    if (watcher || closed || options.fsWatch === false) return;
    try {
      watcher = watch(dir, { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) soon();
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = null;
      });
    } catch {
      watcher = null; // the poll carries on alone; arm() is tried again on each poll
    }
  };

  const poll = setInterval(() => {
    arm();
    if (fileSignature(path) !== seen) soon();
  }, pollMs);
  poll.unref();
  arm();
  // A change made between the caller's read and now.
  if (fileSignature(path) !== seen) soon();

  return {
    close() {
      closed = true;
      clearInterval(poll);
      if (settleTimer) clearTimeout(settleTimer);
      watcher?.close();
      watcher = null;
    },
  };
}
