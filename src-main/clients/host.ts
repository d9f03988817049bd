// The facts about the machine that decide where assistants keep their config. Injected (not
// read from `process`) so every OS layout can be computed and tested on any OS.
import path from 'node:path';
import { z } from 'zod';

export const hostSchema = z.object({
  platform: z.string().min(1),
  homeDir: z.string().min(1),
  env: z.record(z.string(), z.string().optional()),
});
export type Host = z.infer<typeof hostSchema>;

/** The path flavour of the host's OS (backslashes and drive letters on Windows). */
export function pathFor(platform: string): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Reads an environment variable, treating blank as unset. */
export function envVar(host: Host, name: string): string | null {
  const value = host.env[name]?.trim();
  return value ? value : null;
}

/** Where Electron-style apps keep per-user data: what `app.getPath('appData')` returns. */
export function appDataDir(host: Host): string {
  const p = pathFor(host.platform);
  if (host.platform === 'darwin') return p.join(host.homeDir, 'Library', 'Application Support');
  if (host.platform === 'win32') return envVar(host, 'APPDATA') ?? p.join(host.homeDir, 'AppData', 'Roaming');
  return envVar(host, 'XDG_CONFIG_HOME') ?? p.join(host.homeDir, '.config');
}

/** %LOCALAPPDATA% on Windows. */
export function localAppDataDir(host: Host): string {
  return envVar(host, 'LOCALAPPDATA') ?? path.win32.join(host.homeDir, 'AppData', 'Local');
}
