// Launch at login per OS: Electron's login item on Windows (run key with --hidden) and macOS
// (the app's one item, no arguments), the XDG autostart file on Linux; and when a launch stays
// in the tray. The app is the fake's, which keeps login items as Electron documents them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appCommand, loginItemFor, startsHidden } from '../../src-main/shell/login-item';
import { FakeApp } from '../support/fake-electron';

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
  it('Windows: a run key naming the binary with --hidden (matched by path and args)', async () => {
    const app = new FakeApp();
    app.platform = 'win32';
    const exe = 'C:\\Users\\u\\AppData\\Local\\Programs\\KeyBridge\\KeyBridge.exe';
    const item = loginItemFor(app, 'win32', 'C:\\Users\\u', {}, { execPath: exe, args: [] });
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(true);
    expect(await item.isEnabled()).toBe(true);
    expect([...app.loginItems.values()]).toEqual([{ openAtLogin: true, path: exe, args: ['--hidden'] }]);
    await item.setEnabled(false);
    expect(await item.isEnabled()).toBe(false);
    expect(app.loginItems.size).toBe(0);
  });

  it('macOS: the app’s one login item (path and args are Windows-only); a login launch is told by wasOpenedAtLogin', async () => {
    const app = new FakeApp();
    app.platform = 'darwin';
    const item = loginItemFor(app, 'darwin', '/Users/u', {}, { execPath: '/Applications/KeyBridge.app/Contents/MacOS/KeyBridge', args: [] });
    await item.setEnabled(true);
    expect(await item.isEnabled()).toBe(true);
    expect([...app.loginItems.values()]).toEqual([{ openAtLogin: true, type: 'mainAppService' }]);
    // What macOS starts at login carries no --hidden: the launch stays in the tray all the same.
    app.openedAtLogin = true;
    expect(startsHidden(['KeyBridge'], app, 'darwin')).toBe(true);
    await item.setEnabled(false);
    expect(await item.isEnabled()).toBe(false);
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
    const app = new FakeApp();
    app.platform = 'win32';
    await loginItemFor(app, 'win32', home, {}, command).setEnabled(true);
    expect([...app.loginItems.values()]).toEqual([{ openAtLogin: true, path: command.execPath, args: ['/src/Key Bridge', '--hidden'] }]);
  });

  it('stays in the tray for --hidden, or when macOS opened it at login', () => {
    expect(startsHidden(['KeyBridge', '--hidden'], fakeApp(), 'linux')).toBe(true);
    expect(startsHidden(['KeyBridge'], fakeApp(), 'linux')).toBe(false);
    expect(startsHidden(['KeyBridge'], fakeApp(true), 'darwin')).toBe(true);
    expect(startsHidden(['KeyBridge'], fakeApp(true), 'win32')).toBe(false);
  });
});
