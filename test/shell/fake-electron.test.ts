// The fake `electron` must stay as strict as Electron 45 where the shell could get it wrong:
// one test per rule, with Electron's own messages, so the fake cannot drift into accepting what
// the real app would reject (see the rule list at the top of test/support/fake-electron.ts).
import { createDecipheriv } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as FakeElectronModule from '../support/fake-electron';

type FakeModule = typeof FakeElectronModule;

/** A fresh fake (its own app, windows, handlers) for each test. */
async function fresh(platform: NodeJS.Platform = 'linux'): Promise<FakeModule> {
  vi.resetModules();
  const mod = await import('../support/fake-electron');
  mod.fakeElectron.app.platform = platform;
  return mod;
}
async function ready(platform: NodeJS.Platform = 'linux'): Promise<FakeModule> {
  const mod = await fresh(platform);
  mod.fakeElectron.app.emitReady();
  return mod;
}

const ICON = resolve(__dirname, '../../build/tray/tray-ok.png');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-fake-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the ready gate (Electron’s messages)', () => {
  it('BrowserWindow, Tray, Notification, message boxes and the session throw before ready', async () => {
    const { fakeElectron: e, FakeNativeImage } = await fresh();
    expect(() => new e.BrowserWindow({})).toThrow('Cannot create BrowserWindow before app is ready');
    expect(() => new e.Tray(new FakeNativeImage(ICON))).toThrow('Cannot create Tray before app is ready');
    expect(() => new e.Notification({ title: 't' })).toThrow('Cannot create Notification before app is ready');
    expect(() => e.dialog.showMessageBoxSync({ message: 'm' })).toThrow('dialog module can only be used after app is ready');
    expect(() => e.session.defaultSession).toThrow(new TypeError('Session can only be received when app is ready'));
    expect(() => e.protocol.handle('app', () => new Response(''))).toThrow('Session can only be received when app is ready');
    // The error box is the exception: Electron shows it at any time.
    e.dialog.showErrorBox('title', 'content');
    expect(e.dialog.errors).toEqual([{ title: 'title', content: 'content' }]);
  });

  it('registerSchemesAsPrivileged only before ready, and only once', async () => {
    const before = (await fresh()).fakeElectron;
    before.protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true } }]);
    expect(() => before.protocol.registerSchemesAsPrivileged([{ scheme: 'other', privileges: {} }])).toThrow(/only once/);
    const after = (await ready()).fakeElectron;
    expect(() => after.protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: {} }])).toThrow(
      'protocol.registerSchemesAsPrivileged should be called before app is ready',
    );
  });

  it('safeStorage answers false and rejects before ready', async () => {
    const { safeStorage } = (await fresh()).fakeElectron;
    expect(await safeStorage.isAsyncEncryptionAvailable()).toBe(false);
    expect(safeStorage.getSelectedStorageBackend()).toBe('unknown');
    await expect(safeStorage.encryptStringAsync('x')).rejects.toThrow('safeStorage cannot be used before app is ready');
    await expect(safeStorage.decryptStringAsync(Buffer.from('v11x'))).rejects.toThrow('safeStorage cannot be used before app is ready');
  });
});

describe('protocol and loadURL', () => {
  it('protocol.handle throws for a scheme already handled', async () => {
    const { protocol } = (await ready()).fakeElectron;
    protocol.handle('app', () => new Response('ok'));
    expect(() => protocol.handle('app', () => new Response('again'))).toThrow('Failed to register protocol: app');
    protocol.unhandle('app');
    protocol.handle('app', () => new Response('after unhandle'));
  });

  it('loadURL goes through the handler and rejects as webContents.loadURL does', async () => {
    const { fakeElectron: e } = await ready();
    let answer: () => Response = () => new Response('<html></html>', { headers: { 'content-type': 'text/html' } });
    const seen: string[] = [];
    e.protocol.handle('app', (request) => {
      seen.push(request.url);
      return answer();
    });
    const win = new e.BrowserWindow({});
    await win.loadURL('app://keybridge/index.html');
    expect(seen).toEqual(['app://keybridge/index.html']);
    expect(win.webContents.getURL()).toBe('app://keybridge/index.html');
    expect(win.loaded).toEqual(['app://keybridge/index.html']);

    answer = () => new Response('Not found', { status: 404 });
    await expect(win.loadURL('app://keybridge/missing.html')).rejects.toMatchObject({
      message: "ERR_HTTP_RESPONSE_CODE_FAILURE (-379) loading 'app://keybridge/missing.html'",
      code: 'ERR_HTTP_RESPONSE_CODE_FAILURE',
    });
    answer = () => {
      throw new Error('handler broke');
    };
    await expect(win.loadURL('app://keybridge/index.html')).rejects.toThrow("ERR_UNEXPECTED (-9) loading 'app://keybridge/index.html'");
    answer = () => Response.error();
    await expect(win.loadURL('app://keybridge/index.html')).rejects.toThrow("ERR_FAILED (-2) loading 'app://keybridge/index.html'");
    await expect(win.loadURL('https://example.com/')).rejects.toThrow("ERR_FAILED (-2) loading 'https://example.com/'");
    expect(win.loaded).toEqual(['app://keybridge/index.html']);
    expect(win.webContents.getURL()).toBe('app://keybridge/index.html');
  });
});

describe('safeStorage', () => {
  it('waits while the async encryptor initialises, then encrypts and decrypts', async () => {
    const { safeStorage } = (await ready()).fakeElectron;
    const release = safeStorage.holdInitialisation();
    let settled = false;
    const available = safeStorage.isAsyncEncryptionAvailable().then((v) => ((settled = true), v));
    const sealed = safeStorage.encryptStringAsync('secret');
    // The fake's initialisation is promises only: one macrotask turn runs every callback that
    // could settle without release().
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    expect(await available).toBe(true);
    expect((await sealed).subarray(0, 3).toString()).toBe('v11');
    expect(await safeStorage.decryptStringAsync(await sealed)).toEqual({ result: 'secret', shouldReEncrypt: false });
    expect(await safeStorage.decryptStringAsync(Buffer.alloc(0))).toEqual({ result: '', shouldReEncrypt: false });
    await expect(safeStorage.decryptStringAsync('v11' as unknown as Buffer)).rejects.toThrow('Expected the first argument of decryptStringAsync() to be a buffer');
    await expect(safeStorage.decryptStringAsync(Buffer.from('v11garbage-garbage-garbage-garbage'))).rejects.toThrow(
      'Error while decrypting the ciphertext provided to safeStorage.decryptStringAsync.',
    );
  });

  it('Linux: the sync pick and the async key provider are separate; the fallback is Chromium’s public v10 key', async () => {
    const { fakeElectron: e, CHROMIUM_FALLBACK_KEY } = await ready('linux');
    const { safeStorage } = e;
    expect(safeStorage.getSelectedStorageBackend()).toBe('gnome_libsecret');
    safeStorage.keyProvider = 'fallback';
    // The sync pick still says a keyring …
    expect(safeStorage.getSelectedStorageBackend()).toBe('gnome_libsecret');
    // … while what is written opens with the well-known key.
    const sealed = await safeStorage.encryptStringAsync('uo_secret');
    expect(sealed.subarray(0, 3).toString()).toBe('v10');
    const d = createDecipheriv('aes-128-cbc', CHROMIUM_FALLBACK_KEY, Buffer.alloc(16, 0x20));
    expect(Buffer.concat([d.update(sealed.subarray(3)), d.final()]).toString()).toBe('uo_secret');
    // basic_text (no keyring found at all) means the fallback too.
    safeStorage.keyProvider = null;
    safeStorage.backend = 'basic_text';
    expect(safeStorage.provider()).toBe('fallback');
    // v10 data stays readable, and asks to be re-encrypted once a keyring is back.
    safeStorage.backend = 'gnome_libsecret';
    expect(await safeStorage.decryptStringAsync(sealed)).toEqual({ result: 'uo_secret', shouldReEncrypt: true });
  });

  it('getSelectedStorageBackend exists on Linux only; macOS and Windows write v10 with the OS key', async () => {
    const { safeStorage } = (await ready('darwin')).fakeElectron;
    expect(() => safeStorage.getSelectedStorageBackend()).toThrow(TypeError);
    expect((await safeStorage.encryptStringAsync('x')).subarray(0, 3).toString()).toBe('v10');
  });

  it('no key at all: encryption fails; a transient failure says "temporarily unavailable", then works', async () => {
    const { safeStorage } = (await ready()).fakeElectron;
    const sealed = await safeStorage.encryptStringAsync('k');
    safeStorage.transientDecryptFailures = 2;
    await expect(safeStorage.decryptStringAsync(sealed)).rejects.toThrow('safeStorage.decryptStringAsync is temporarily unavailable. Please try again.');
    await expect(safeStorage.decryptStringAsync(sealed)).rejects.toThrow(/temporarily unavailable/);
    expect((await safeStorage.decryptStringAsync(sealed)).result).toBe('k');
    safeStorage.keyProvider = 'none';
    await expect(safeStorage.encryptStringAsync('k')).rejects.toThrow('Error while encrypting the text provided to safeStorage.encryptStringAsync.');
    expect(await safeStorage.isAsyncEncryptionAvailable()).toBe(true);
  });
});

describe('ipcMain', () => {
  it('one handler per channel; results are structured-cloned; errors reach the page wrapped', async () => {
    const { fakeElectron: e, FakeWebContents } = await ready();
    const contents = new FakeWebContents('app://keybridge/index.html');
    const value = { list: [1, 2], when: new Date(0) };
    e.ipcMain.handle('a', () => value);
    expect(() => e.ipcMain.handle('a', () => 1)).toThrow("Attempted to register a second handler for 'a'");
    const result = await e.ipcMain.invokeFrom(contents, contents.mainFrame, 'a');
    expect(result).toEqual(value);
    expect(result).not.toBe(value);
    e.ipcMain.handle('throws', () => {
      throw new Error('nope');
    });
    await expect(e.ipcMain.invokeFrom(contents, contents.mainFrame, 'throws')).rejects.toThrow("Error invoking remote method 'throws': Error: nope");
    e.ipcMain.handle('fn', () => ({ f: () => 1 }));
    await expect(e.ipcMain.invokeFrom(contents, contents.mainFrame, 'fn')).rejects.toThrow("Error invoking remote method 'fn': Error: An object could not be cloned.");
    await expect(e.ipcMain.invokeFrom(contents, contents.mainFrame, 'none')).rejects.toThrow("Error invoking remote method 'none': Error: No handler registered for 'none'");
  });
});

describe('login items per OS (app.md)', () => {
  it('macOS: one item for the app; path and args (Windows-only) are not kept', async () => {
    const { app } = (await fresh('darwin')).fakeElectron;
    app.setLoginItemSettings({ openAtLogin: true, path: '/x', args: ['--hidden'] });
    expect(app.getLoginItemSettings().openAtLogin).toBe(true);
    expect([...app.loginItems.values()]).toEqual([{ openAtLogin: true, type: 'mainAppService' }]);
    app.openedAtLogin = true;
    expect(app.getLoginItemSettings().wasOpenedAtLogin).toBe(true);
  });

  it('Windows: run keys matched by path and args', async () => {
    const { app } = (await fresh('win32')).fakeElectron;
    app.setLoginItemSettings({ openAtLogin: true, path: 'C:\\KeyBridge.exe', args: ['--hidden'] });
    expect(app.getLoginItemSettings({ path: 'C:\\KeyBridge.exe', args: ['--hidden'] }).openAtLogin).toBe(true);
    expect(app.getLoginItemSettings({ path: 'C:\\KeyBridge.exe' }).openAtLogin).toBe(false);
    expect(app.getLoginItemSettings().wasOpenedAtLogin).toBe(false);
  });

  it('Linux: Electron keeps none', async () => {
    const { app } = (await fresh('linux')).fakeElectron;
    app.setLoginItemSettings({ openAtLogin: true });
    expect(app.getLoginItemSettings().openAtLogin).toBe(false);
  });

  it('setAppUserModelId is Windows-only; the Applications-folder methods macOS-only', async () => {
    const { app } = (await fresh('linux')).fakeElectron;
    expect(() => app.setAppUserModelId('x')).toThrow(TypeError);
    expect(() => app.isInApplicationsFolder()).toThrow(TypeError);
    app.platform = 'win32';
    app.setAppUserModelId('app.keybridge.desktop');
    expect(app.appUserModelId).toBe('app.keybridge.desktop');
    app.platform = 'darwin';
    app.inApplicationsFolder = false;
    expect(app.isInApplicationsFolder()).toBe(false);
    app.moveToApplications.conflict = 'exists';
    expect(app.moveToApplicationsFolder({ conflictHandler: () => false })).toBe(false);
    expect(app.moveToApplicationsFolder()).toBe(true);
  });
});

describe('images and the tray', () => {
  it('createFromPath: empty for a missing or non-image file; the tray refuses an empty image', async () => {
    const { fakeElectron: e } = await ready();
    const text = join(dir, 'not-an-image.png');
    await writeFile(text, 'hello');
    expect(e.nativeImage.createFromPath(join(dir, 'missing.png')).isEmpty()).toBe(true);
    expect(e.nativeImage.createFromPath(text).isEmpty()).toBe(true);
    const good = e.nativeImage.createFromPath(ICON);
    expect(good.isEmpty()).toBe(false);
    expect(() => new e.Tray(e.nativeImage.createFromPath(join(dir, 'missing.png')))).toThrow(/empty image/);
    const tray = new e.Tray(good);
    expect(() => tray.setImage(e.nativeImage.createFromPath(text))).toThrow(/empty image/);
  });
});

describe('dialogs', () => {
  it('an async message box needs a live parent window; a blocking one may stand alone', async () => {
    const { fakeElectron: e } = await ready();
    expect(() => e.dialog.showMessageBox(undefined as never, { message: 'alone' })).toThrow(/needs a parent window/);
    const win = new e.BrowserWindow({});
    e.dialog.answer(1);
    expect(await e.dialog.showMessageBox(win, { message: 'with parent', buttons: ['a', 'b'] })).toEqual({ response: 1, checkboxChecked: false });
    expect(e.dialog.shown.at(-1)).toMatchObject({ message: 'with parent', parent: win });
    win.destroy();
    expect(() => e.dialog.showMessageBox(win, { message: 'dead parent' })).toThrow(/needs a parent window/);
    expect(() => e.dialog.showMessageBoxSync({ message: 'unanswered' })).toThrow(/queue an answer/);
    e.dialog.answer(0);
    expect(e.dialog.showMessageBoxSync({ message: 'at start-up' })).toBe(0);
  });
});

describe('quitting', () => {
  it('before-quit, then every window closes, then will-quit, then quit', async () => {
    const { fakeElectron: e } = await ready();
    const order: string[] = [];
    const win = new e.BrowserWindow({});
    e.app.on('before-quit', () => order.push('before-quit'));
    win.on('close', () => order.push('close'));
    win.on('closed', () => order.push('closed'));
    e.app.on('will-quit', () => order.push('will-quit'));
    e.app.on('quit', () => order.push('quit'));
    e.app.quit();
    expect(order).toEqual(['before-quit', 'close', 'closed', 'will-quit', 'quit']);
    expect(win.isDestroyed()).toBe(true);
    expect(e.app.quitted).toBe(true);
  });

  it('a window that cancels its close cancels the quit; so does will-quit', async () => {
    const { fakeElectron: e } = await ready();
    const win = new e.BrowserWindow({});
    const keep = (event: { preventDefault(): void }) => event.preventDefault();
    win.on('close', keep);
    const willQuit = vi.fn();
    e.app.on('will-quit', willQuit);
    e.app.quit();
    expect(willQuit).not.toHaveBeenCalled();
    expect(win.isDestroyed()).toBe(false);
    expect(e.app.quitted).toBe(false);
    win.off('close', keep);
    e.app.off('will-quit', willQuit);
    e.app.once('will-quit', keep);
    e.app.quit();
    expect(win.isDestroyed()).toBe(true);
    expect(e.app.quitted).toBe(false);
    e.app.quit();
    expect(e.app.quitted).toBe(true);
  });
});

describe('web contents', () => {
  it('will-navigate and will-redirect get Electron’s details object; will-attach-webview its params', async () => {
    const { fakeElectron: e } = await ready();
    const win = new e.BrowserWindow({});
    const got: unknown[][] = [];
    win.webContents.on('will-navigate', (...args: unknown[]) => got.push(args));
    expect(win.webContents.fire('will-navigate', 'https://example.com/')).toBe(false);
    const [details, url, isInPlace, isMainFrame] = got[0] as [Record<string, unknown>, string, boolean, boolean];
    expect(details).toMatchObject({ url: 'https://example.com/', isSameDocument: false, isMainFrame: true, frame: win.webContents.mainFrame, initiator: null });
    expect(typeof details.preventDefault).toBe('function');
    expect([url, isInPlace, isMainFrame]).toEqual(['https://example.com/', false, true]);
    win.webContents.on('will-attach-webview', (_event: unknown, webPreferences: unknown, params: unknown) => got.push([webPreferences, params]));
    win.webContents.fire('will-attach-webview', 'https://example.com/');
    expect(got[1]).toEqual([{ nodeIntegration: false }, { src: 'https://example.com/' }]);
  });

  it('every web contents is announced with web-contents-created; with no handler, window.open is allowed', async () => {
    const { fakeElectron: e, FakeWebContents } = await ready();
    const created: unknown[] = [];
    e.app.on('web-contents-created', (_event: unknown, contents: unknown) => created.push(contents));
    const win = new e.BrowserWindow({});
    const guest = new FakeWebContents('https://example.com/');
    expect(created).toEqual([win.webContents, guest]);
    expect(guest.openWindow('https://example.com/popup')).toBe('allow');
    guest.setWindowOpenHandler(() => ({ action: 'deny' }));
    expect(guest.openWindow('https://example.com/popup')).toBe('deny');
  });
});
