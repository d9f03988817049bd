// Launch at login on Linux: an XDG autostart entry (~/.config/autostart/keybridge.desktop)
// that starts the app in the tray. Electron's setLoginItemSettings covers macOS and Windows only.
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { LoginItem } from './login-item-port';

export const AUTOSTART_FILE_NAME = 'keybridge.desktop';

export interface AutostartOptions {
  homeDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The command that starts the app: the AppImage (APPIMAGE) or the installed binary. */
  execPath: string;
  /** Arguments before --hidden: from a checkout, the app folder Electron must load. */
  args?: readonly string[];
}

export function autostartFile({ homeDir, env }: Pick<AutostartOptions, 'homeDir' | 'env'>): string {
  const config = env.XDG_CONFIG_HOME?.trim() || path.join(homeDir, '.config');
  return path.join(config, 'autostart', AUTOSTART_FILE_NAME);
}

/** Quotes an Exec argument per the Desktop Entry spec. */
function execArg(arg: string): string {
  if (!/[\s"'\\`$]/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function desktopEntry(execPath: string, args: readonly string[] = []): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=KeyBridge',
    'Comment=Keeps MCP API keys encrypted and serves them to assistants',
    `Exec=${[execPath, ...args, '--hidden'].map(execArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function linuxAutostart(options: AutostartOptions): LoginItem {
  const file = autostartFile(options);
  return {
    async isEnabled() {
      try {
        const text = await readFile(file, 'utf8');
        return !/^Hidden\s*=\s*true\s*$/im.test(text);
      } catch {
        return false;
      }
    },
    async setEnabled(enabled) {
      if (!enabled) {
        await rm(file, { force: true });
        return;
      }
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, desktopEntry(options.execPath, options.args), { mode: 0o644 });
    },
  };
}
