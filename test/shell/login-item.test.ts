// Launch at login per OS: Electron's login item on macOS/Windows (starting hidden), the XDG
// autostart file on Linux; and when a launch stays in the tray. Only types come from electron.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loginItemFor, startsHidden } from '../../src-main/shell/login-item';

function fakeApp(wasOpenedAtLogin = false) {
  const calls: { openAtLogin: boolean; args?: string[] }[] = [];
  let openAtLogin = false;
  return {
    calls,
    getLoginItemSettings: () => ({ openAtLogin, wasOpenedAtLogin }) as ReturnType<Electron.App['getLoginItemSettings']>,
    setLoginItemSettings: (settings: { openAtLogin?: boolean; args?: string[] }) => {
      calls.push({ openAtLogin: settings.openAtLogin ?? false, args: settings.args });
      openAtLogin = settings.openAtLogin ?? false;
    },
  };
}

let home = '';
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
  home = '';
});

describe('login item', () => {
  it('macOS and Windows: the OS login item, started with --hidden', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const app = fakeApp();
      const item = loginItemFor(app, platform, '/home/u', {}, '/Applications/KeyBridge.app/Contents/MacOS/KeyBridge');
      expect(await item.isEnabled()).toBe(false);
      await item.setEnabled(true);
      expect(await item.isEnabled()).toBe(true);
      await item.setEnabled(false);
      expect(app.calls).toEqual([
        { openAtLogin: true, args: ['--hidden'] },
        { openAtLogin: false, args: ['--hidden'] },
      ]);
    }
  });

  it('Linux: an autostart entry naming the AppImage when running from one', async () => {
    home = await mkdtemp(join(tmpdir(), 'kb-login-'));
    const app = fakeApp();
    const item = loginItemFor(app, 'linux', home, { APPIMAGE: '/home/u/KeyBridge.AppImage' }, '/tmp/.mount_Key123/keybridge');
    await item.setEnabled(true);
    expect(await readFile(join(home, '.config', 'autostart', 'keybridge.desktop'), 'utf8')).toContain('Exec=/home/u/KeyBridge.AppImage --hidden');
    expect(app.calls).toEqual([]);
  });

  it('stays in the tray for --hidden, or when macOS opened it at login', () => {
    expect(startsHidden(['KeyBridge', '--hidden'], fakeApp(), 'linux')).toBe(true);
    expect(startsHidden(['KeyBridge'], fakeApp(), 'linux')).toBe(false);
    expect(startsHidden(['KeyBridge'], fakeApp(true), 'darwin')).toBe(true);
    expect(startsHidden(['KeyBridge'], fakeApp(true), 'win32')).toBe(false);
  });
});
