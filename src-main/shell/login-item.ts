// Launch at login: Electron's login item on macOS and Windows, an XDG autostart file on Linux;
// each starts the app hidden, in the tray.
import type { App } from 'electron';
import { linuxAutostart } from '../app/autostart-linux';
import type { LoginItem } from '../app/login-item-port';

/** How to start this app: the binary, plus (from a checkout) the app folder Electron loads. */
export interface AppCommand {
  execPath: string;
  args: readonly string[];
}

export function appCommand(app: Pick<App, 'isPackaged' | 'getAppPath'>, execPath: string): AppCommand {
  return { execPath, args: app.isPackaged ? [] : [app.getAppPath()] };
}

export function loginItemFor(app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>, platform: NodeJS.Platform, homeDir: string, env: NodeJS.ProcessEnv, command: AppCommand): LoginItem {
  if (platform === 'linux') {
    // An AppImage runs from a temporary mount: the autostart entry must name the image itself.
    return linuxAutostart({ homeDir, env, execPath: env.APPIMAGE || command.execPath, args: command.args });
  }
  if (platform === 'darwin') {
    // macOS keeps one login item for the app bundle (SMAppService): `path` and `args` are
    // Windows-only in Electron, so --hidden cannot travel with it; startsHidden() asks
    // wasOpenedAtLogin instead.
    return {
      isEnabled: async () => app.getLoginItemSettings().openAtLogin,
      setEnabled: async (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
    };
  }
  // Windows: a run key naming the binary and its arguments (matched by both when read back).
  const args = [...command.args, '--hidden'];
  return {
    isEnabled: async () => app.getLoginItemSettings({ path: command.execPath, args }).openAtLogin,
    setEnabled: async (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, path: command.execPath, args }),
  };
}

/** True when this launch should stay in the tray: --hidden, or macOS opened it at login. */
export function startsHidden(argv: readonly string[], app: Pick<App, 'getLoginItemSettings'>, platform: NodeJS.Platform): boolean {
  if (argv.includes('--hidden')) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
