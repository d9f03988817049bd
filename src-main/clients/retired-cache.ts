// Bridges before agent protocol v2 kept a V8 code cache in ~/.keybridge/cache, and a file
// planted there could run code inside the bridge. The bridge no longer reads it; the tray
// removes what is left. A symlink in its place is removed, never followed.
import { lstat, rm, unlink } from 'node:fs/promises';
import path from 'node:path';

export async function removeRetiredCodeCache(homeDir: string, log: (level: 'info' | 'warn', message: string) => void): Promise<void> {
  const dir = path.join(homeDir, '.keybridge', 'cache');
  const stat = await lstat(dir).catch(() => null);
  if (!stat) return;
  try {
    if (stat.isDirectory()) await rm(dir, { recursive: true, force: true });
    else await unlink(dir);
    log('info', `Removed the old bridge code cache (${dir}).`);
  } catch (error) {
    log('warn', `Could not remove the old bridge code cache ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
