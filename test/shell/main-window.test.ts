// The settings window and the app-wide web-contents guard, against the fake's BrowserWindow
// (its loadURL goes through the app:// handler and rejects as Electron's does) and its app
// (which announces every web contents with 'web-contents-created').
import type { App, BrowserWindow, BrowserWindowConstructorOptions, Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { createMainWindow } from '../../src-main/shell/main-window';
import { APP_INDEX_URL, guardAllWebContents } from '../../src-main/shell/security';
import { fakeElectron, FakeBrowserWindow, FakeWebContents } from '../support/fake-electron';

const { app, protocol } = fakeElectron;
guardAllWebContents(app as unknown as Pick<App, 'on'>);
app.emitReady();

let page: () => Response | Promise<Response> = () => new Response('<div id="root"></div>', { headers: { 'content-type': 'text/html' } });
protocol.handle('app', () => page());

const opened: string[] = [];
function mainWindow() {
  return createMainWindow({
    BrowserWindow: FakeBrowserWindow as unknown as new (options: BrowserWindowConstructorOptions) => BrowserWindow,
    session: fakeElectron.session.defaultSession as unknown as Session,
    preloadPath: '/app/dist/preload.js',
    iconPath: '/app/build/icon.png',
    devTools: false,
    openExternal: (url) => void opened.push(url),
    isQuitting: () => false,
  });
}

describe('the window’s page load', () => {
  it('a load that failed is not kept: the next show loads the page again', async () => {
    const window = mainWindow();
    page = () => {
      throw new Error('renderer missing');
    };
    await expect(window.show()).rejects.toThrow("ERR_UNEXPECTED (-9) loading 'app://keybridge/index.html'");
    const win = window.current() as unknown as FakeBrowserWindow;
    expect(win.visible).toBe(false);
    page = () => new Response('Not found', { status: 404 });
    await expect(window.show()).rejects.toThrow(/ERR_HTTP_RESPONSE_CODE_FAILURE/);
    page = () => new Response('<div id="root"></div>', { headers: { 'content-type': 'text/html' } });
    await window.show();
    expect(win.visible).toBe(true);
    expect(win.webContents.loadRequests).toEqual([APP_INDEX_URL, APP_INDEX_URL, APP_INDEX_URL]);
    expect(win.loaded).toEqual([APP_INDEX_URL]);
    // Loaded once, shown many times.
    win.hide();
    await window.show();
    expect(win.webContents.loadRequests).toHaveLength(3);
  });

  it('navigation is denied and read from Electron’s details object; allow-listed links go to the browser', async () => {
    const win = (await mainWindow().show()) as unknown as FakeBrowserWindow;
    expect(win.webContents.fire('will-navigate', 'https://modelcontextprotocol.io/docs')).toBe(true);
    expect(opened.at(-1)).toBe('https://modelcontextprotocol.io/docs');
    expect(win.webContents.openWindow('https://uptimeobserver.com/')).toBe('deny');
    expect(opened.at(-1)).toBe('https://uptimeobserver.com/');
  });
});

describe('the app-wide guard (web-contents-created)', () => {
  it('any other web contents may not navigate, redirect, attach webviews or open windows', () => {
    const stray = new FakeWebContents('app://keybridge/index.html');
    expect(stray.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(stray.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(stray.fire('will-attach-webview', 'https://evil.example/')).toBe(true);
    expect(stray.openWindow('https://evil.example/')).toBe('deny');
    // Without the guard Electron would let it open a window.
    const before = opened.length;
    expect(stray.openWindow('https://modelcontextprotocol.io/docs')).toBe('deny');
    expect(opened).toHaveLength(before);
  });
});
