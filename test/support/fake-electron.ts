// A fake `electron` module for booting src-main/shell in plain Node: the Electron binary cannot
// run here (npm fetches it from outside the registry). Each piece records what the shell did
// with it and lets tests act as the user or the OS would — click a tray item, answer a dialog,
// send IPC from a given frame, serve an app:// request. Tests install it with
// `vi.mock('electron', () => fakeElectronModule())`.
//
// What it stands in for, and what it cannot show: window options, handlers and menus are
// recorded, not rendered; safeStorage is an AES-GCM test cipher, not the OS keychain;
// notifications and dialogs are lists and scripted answers; no Chromium runs the page (the
// renderer's e2e tests do that in real Chromium).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, MessageBoxOptions, NotificationConstructorOptions } from 'electron';

// ---- app ----------------------------------------------------------------------------------

class FakeApp extends EventEmitter {
  paths: Record<string, string> = {};
  appPath = '';
  isPackaged = false;
  hasLock = true;
  quitCalls = 0;
  exitCode: number | null = null;
  loginItem = { openAtLogin: false, args: [] as string[] };
  aboutPanel: Record<string, unknown> = {};
  private ready: () => void = () => undefined;
  private readonly readyPromise = new Promise<void>((resolve) => {
    this.ready = resolve;
  });

  getPath(name: string): string {
    const value = this.paths[name];
    if (!value) throw new Error(`fake app.getPath: no path for '${name}'`);
    return value;
  }
  getAppPath(): string {
    return this.appPath;
  }
  getVersion(): string {
    return '0.0.0-fake';
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  /** The test says when Electron is ready (after the shell registered what must come before). */
  emitReady(): void {
    this.ready();
    this.emit('ready');
  }
  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }
  quit(): void {
    this.quitCalls++;
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('before-quit', event);
    this.emit('will-quit', event);
  }
  exit(code: number): void {
    this.exitCode = code;
  }
  setAboutPanelOptions(options: Record<string, unknown>): void {
    this.aboutPanel = options;
  }
  getLoginItemSettings() {
    return { openAtLogin: this.loginItem.openAtLogin, wasOpenedAtLogin: false };
  }
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void {
    this.loginItem = { openAtLogin: settings.openAtLogin, args: settings.args ?? [] };
  }
}

// ---- web contents, frames, windows ---------------------------------------------------------

let frameCount = 0;

export class FakeFrame {
  readonly processId = 1;
  readonly frameToken = `frame-${++frameCount}`;
  constructor(public url: string) {}
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

export class FakeWebContents extends EventEmitter {
  readonly mainFrame: FakeFrame;
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  destroyed = false;
  constructor(url = '') {
    super();
    this.mainFrame = new FakeFrame(url);
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Fires a cancellable webContents event as Chromium would; true if the shell prevented it. */
  fire(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  visible = false;
  focused = false;
  destroyed = false;
  minimized = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.all.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The user closes the window; true if the shell kept it (hid it instead). */
  userClose(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
    }
    return prevented;
  }
}

// ---- tray, menus, images, notifications, dialogs --------------------------------------------

export class FakeNativeImage {
  template = false;
  constructor(readonly path: string) {}
  isEmpty(): boolean {
    return !existsSync(this.path);
  }
  setTemplateImage(on: boolean): void {
    this.template = on;
  }
}

export class FakeMenu {
  constructor(readonly items: MenuItemConstructorOptions[]) {}
}

export class FakeTray extends EventEmitter {
  static readonly all: FakeTray[] = [];
  image: FakeNativeImage;
  tooltip = '';
  menu: FakeMenu | null = null;
  menuBuilds = 0;
  destroyed = false;
  constructor(image: FakeNativeImage) {
    super();
    this.image = image;
    FakeTray.all.push(this);
  }
  setImage(image: FakeNativeImage): void {
    this.image = image;
  }
  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
  }
  setContextMenu(menu: FakeMenu): void {
    this.menu = menu;
    this.menuBuilds++;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  static readonly shown: FakeNotification[] = [];
  constructor(readonly options: NotificationConstructorOptions) {
    super();
  }
  static isSupported(): boolean {
    return true;
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
}

export interface FakeDialog {
  shown: MessageBoxOptions[];
  errors: { title: string; content: string }[];
  showErrorBox(title: string, content: string): void;
  /** Button indexes the next message boxes answer (each waits until one is queued). */
  answer(response: number): void;
  showMessageBox(options: MessageBoxOptions): Promise<{ response: number; checkboxChecked: boolean }>;
}

function fakeDialog(): FakeDialog {
  const answers: number[] = [];
  const waiting: ((response: number) => void)[] = [];
  return {
    shown: [],
    errors: [],
    showErrorBox(title, content) {
      this.errors.push({ title, content });
    },
    answer(response) {
      const next = waiting.shift();
      if (next) next(response);
      else answers.push(response);
    },
    showMessageBox(options) {
      this.shown.push(options);
      const queued = answers.shift();
      const response = queued !== undefined ? Promise.resolve(queued) : new Promise<number>((resolve) => waiting.push(resolve));
      return response.then((r) => ({ response: r, checkboxChecked: false }));
    },
  };
}

// ---- IPC ------------------------------------------------------------------------------------

type MainHandler = (event: FakeInvokeEvent, ...args: unknown[]) => unknown;

export interface FakeInvokeEvent {
  sender: FakeWebContents;
  senderFrame: FakeFrame | null;
}

class FakeIpcMain {
  readonly handlers = new Map<string, MainHandler>();
  handle(channel: string, handler: MainHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke does: runs the handler with an event naming the sender. */
  async invokeFrom(sender: FakeWebContents, frame: FakeFrame | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered for '${channel}'`);
    // Electron passes arguments through the structured clone algorithm.
    return handler({ sender, senderFrame: frame }, ...structuredClone(args));
  }
}

/** The preload side: invoke goes to ipcMain as if from `contents`; `on` hears contents.send. */
class FakeIpcRenderer {
  contents: FakeWebContents | null = null;
  private readonly listeners = new EventEmitter();
  constructor(private readonly ipcMain: FakeIpcMain) {}
  attach(contents: FakeWebContents): void {
    this.contents = contents;
    const send = contents.send.bind(contents);
    contents.send = (channel, payload) => {
      send(channel, payload);
      this.listeners.emit(channel, { sender: null }, structuredClone(payload));
    };
  }
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    if (!this.contents) throw new Error('fake ipcRenderer: no window attached');
    return this.ipcMain.invokeFrom(this.contents, this.contents.mainFrame, channel, ...args);
  }
  on(channel: string, listener: (...args: unknown[]) => void): this {
    this.listeners.on(channel, listener);
    return this;
  }
  removeListener(channel: string, listener: (...args: unknown[]) => void): this {
    this.listeners.removeListener(channel, listener);
    return this;
  }
  listenerCount(channel: string): number {
    return this.listeners.listenerCount(channel);
  }
}

class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();
  exposeInMainWorld(key: string, api: unknown): void {
    this.exposed.set(key, api);
  }
}

// ---- protocol, session, safeStorage, clipboard, shell -----------------------------------------

class FakeProtocol {
  privileged: { scheme: string; privileges: Record<string, boolean> }[] = [];
  readonly handlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void {
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response): void {
    this.handlers.set(scheme, handler);
  }
  /** What Chromium does for a URL of a handled scheme. */
  async fetch(url: string): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.replace(/:$/, ''));
    if (!handler) throw new Error(`fake protocol: nothing handles ${url}`);
    return handler(new Request(url));
  }
}

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;

class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null = null;
  devicePermissionHandler: ((...args: unknown[]) => boolean) | null = null;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: (...args: unknown[]) => boolean): void {
    this.devicePermissionHandler = handler;
  }
}

/** safeStorage's async API over AES-256-GCM with a per-process key (the "keychain"). */
class FakeSafeStorage {
  available = true;
  backend = 'gnome_libsecret';
  private secret = randomBytes(32);
  async isAsyncEncryptionAvailable(): Promise<boolean> {
    return this.available;
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
  async encryptStringAsync(plain: string): Promise<Buffer> {
    if (!this.available) throw new Error('Encryption is not available.');
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.secret, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }
  async decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    if (!this.available) throw new Error('Decryption is not available.');
    const d = createDecipheriv('aes-256-gcm', this.secret, encrypted.subarray(0, 12));
    d.setAuthTag(encrypted.subarray(12, 28));
    return { result: Buffer.concat([d.update(encrypted.subarray(28)), d.final()]).toString('utf8'), shouldReEncrypt: false };
  }
  /** A wiped keychain: what was encrypted before no longer decrypts. */
  resetKeychain(): void {
    this.secret = randomBytes(32);
  }
}

class FakeClipboard {
  text = '';
  writes: string[] = [];
  async readText(): Promise<string> {
    return this.text;
  }
  async writeText(text: string): Promise<void> {
    this.text = text;
    this.writes.push(text);
  }
}

class FakeShell {
  readonly opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

// ---- the module -----------------------------------------------------------------------------

function createFakeElectron() {
  const ipcMain = new FakeIpcMain();
  const defaultSession = new FakeSession();
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Menu: { buildFromTemplate: (template: MenuItemConstructorOptions[]) => new FakeMenu(template) },
    nativeImage: { createFromPath: (path: string) => new FakeNativeImage(path) },
    Notification: FakeNotification,
    dialog: fakeDialog(),
    ipcMain,
    ipcRenderer: new FakeIpcRenderer(ipcMain),
    contextBridge: new FakeContextBridge(),
    protocol: new FakeProtocol(),
    session: { defaultSession },
    safeStorage: new FakeSafeStorage(),
    clipboard: new FakeClipboard(),
    shell: new FakeShell(),
  };
}

/** The one fake for the test file (vi.mock factories and the test import the same instance). */
export const fakeElectron = createFakeElectron();
export type FakeElectron = typeof fakeElectron;

/** The module object vi.mock('electron') returns: named exports plus `default` for default imports. */
export function fakeElectronModule(): FakeElectron & { default: FakeElectron } {
  return { ...fakeElectron, default: fakeElectron };
}

/** Finds a menu item by label (searching submenus); throws with the labels there are. */
export function findMenuItem(items: MenuItemConstructorOptions[], label: string | RegExp): MenuItemConstructorOptions {
  const all: MenuItemConstructorOptions[] = [];
  const walk = (list: MenuItemConstructorOptions[]) => {
    for (const item of list) {
      all.push(item);
      if (Array.isArray(item.submenu)) walk(item.submenu);
    }
  };
  walk(items);
  const found = all.find((item) => (typeof label === 'string' ? item.label === label : label.test(item.label ?? '')));
  if (!found) throw new Error(`No menu item ${String(label)}; there are: ${all.map((i) => i.label ?? `(${i.type})`).join(' | ')}`);
  return found;
}
