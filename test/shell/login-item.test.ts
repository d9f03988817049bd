// Launch at login per OS: Electron's login item on macOS/Windows (starting hidden), the XDG
// autostart file on Linux; and when a launch stays in the tray. Only types come from electron.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appCommand, loginItemFor, startsHidden } from '../../src-main/shell/login-item';

function fakeApp(wasOpenedAtLogin = false) {
  const calls: { openAtLogin: boolean; path?: string; args?: string[] }[] = [];
  let openAtLogin = false;
  return {
    calls,
    getLoginItemSettings: () => ({ openAtLogin, wasOpenedAtLogin }) as ReturnType<Electron.App['getLoginItemSettings']>,
    setLoginItemSettings: (settings: { openAtLogin?: boolean; path?: string; args?: string[] }) => {
      calls.push({ openAtLogin: settings.openAtLogin ?? false, path: settings.path, args: settings.args });
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
      const exe = '/Applications/KeyBridge.app/Contents/MacOS/KeyBridge';
      const item = loginItemFor(app, platform, '/home/u', {}, { execPath: exe, args: [] });
      expect(await item.isEnabled()).toBe(false);
      await item.setEnabled(true);
      expect(await item.isEnabled()).toBe(true);
      await item.setEnabled(false);
      expect(app.calls).toEqual([
        { openAtLogin: true, path: exe, args: ['--hidden'] },
        { openAtLogin: false, path: exe, args: ['--hidden'] },
      ]);
    }
  });

  it('Linux: an autostart entry naming the AppImage when running from one', async () => {
    home = await mkdtemp(join(tmpdir(), 'kb-login-'));
    const app = fakeApp();
    const item = loginItemFor(app, 'linux', home, { APPIMAGE: '/home/u/KeyBridge.AppImage' }, { execPath: '/tmp/.mount_Key123/keybridge', args: [] });
    await item.setEnabled(true);
    expect(await readFile(join(home, '.config', 'autostart', 'keybridge.desktop'), 'utf8')).toContain('Exec=/home/u/KeyBridge.AppImage --hidden');
    expect(app.calls).toEqual([]);
  });

  it('from a checkout, starts Electron with the app folder (else it would open its default app)', async () => {
    home = await mkdtemp(join(tmpdir(), 'kb-login-'));
    const command = appCommand({ isPackaged: false, getAppPath: () => '/src/Key Bridge' }, '/src/Key Bridge/node_modules/electron/dist/electron');
    expect(command.args).toEqual(['/src/Key Bridge']);
    expect(appCommand({ isPackaged: true, getAppPath: () => '/opt/KeyBridge/resources/app.asar' }, '/opt/KeyBridge/keybridge').args).toEqual([]);
    await loginItemFor(fakeApp(), 'linux', home, {}, command).setEnabled(true);
    expect(await readFile(join(home, '.config', 'autostart', 'keybridge.desktop'), 'utf8')).toContain(
      'Exec="/src/Key Bridge/node_modules/electron/dist/electron" "/src/Key Bridge" --hidden',
    );
    const app = fakeApp();
    await loginItemFor(app, 'win32', home, {}, command).setEnabled(true);
    expect(app.calls).toEqual([{ openAtLogin: true, path: command.execPath, args: ['/src/Key Bridge', '--hidden'] }]);
  });

  it('stays in the tray for --hidden, or when macOS opened it at login', () => {
    expect(startsHidden(['KeyBridge', '--hidden'], fakeApp(), 'linux')).toBe(true);
    expect(startsHidden(['KeyBridge'], fakeApp(), 'linux')).toBe(false);
    expect(startsHidden(['KeyBridge'], fakeApp(true), 'darwin')).toBe(true);
    expect(startsHidden(['KeyBridge'], fakeApp(true), 'win32')).toBe(false);
  });
});
