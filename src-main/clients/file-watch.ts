// Watches one config file for changes, however they happen: edited in place, replaced by an
// atomic rename, deleted, or its folder created later. It watches the file's folder (or the
// nearest folder that exists) rather than the file, whose inode changes on every replace.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface FileWatch {
  close(): void;
}

/** Calls `onChange` (debounced) after anything that may have changed `file`. */
export function watchFile(file: string, onChange: () => void, debounceMs = 150): FileWatch {
  let watcher: FSWatcher | null = null;
  let watchedDir = '';
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const nearestDir = () => {
    let dir = path.dirname(file);
    while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    return dir;
  };

  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (closed) return;
      arm();
      onChange();
    }, debounceMs);
  };

  const arm = () => {
    const dir = nearestDir();
    if (watcher && dir === watchedDir && existsSync(dir)) return;
    watcher?.close();
    watchedDir = dir;
    // The name inside `dir` that leads to the file: the file itself, or the next folder down.
    const relevant = path.relative(dir, file).split(path.sep)[0];
    try {
      watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || name === relevant) fire();
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = null;
        if (!closed) fire();
      });
    } catch {
      watcher = null;
    }
  };

  arm();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
      watcher = null;
    },
  };
}
