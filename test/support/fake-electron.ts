// A fake `electron` module for booting src-main/shell in plain Node: the Electron binary cannot
// run here (npm fetches it from outside the registry). Each piece records what the shell did
// with it and lets tests act as the user or the OS would — click a tray item, answer a dialog,
// send IPC from a given frame, serve an app:// request. Tests install it with
// `vi.mock('electron', () => fakeElectronModule())`.
//
// It is as strict as Electron 45 where the shell could get it wrong, with Electron's own
// messages (read from electron/electron: lib/browser/api/*.ts, shell/browser/api/*.cc), and
// each rule has a test of the fake itself (test/shell/fake-electron.test.ts):
// - the ready gate: BrowserWindow, Tray, Notification, dialog boxes and session throw before
//   `ready`; protocol.registerSchemesAsPrivileged throws after it (and on a second call);
//   safeStorage answers false / rejects before it;
// - protocol.handle throws for a scheme already handled; loadURL goes through the handler and
//   rejects as webContents.loadURL does (ERR_UNEXPECTED for a throwing handler, an HTTP error
//   status, ERR_FAILED for nothing handling the scheme);
// - safeStorage's async encryptor: lazily initialised after ready (calls wait meanwhile), the
//   Linux sync backend pick (getSelectedStorageBackend) apart from the key provider the async
//   encryptor really uses (Chromium's 'v10' built-in key when no keyring answers), no key at
//   all, and decryption that is temporarily unavailable;
// - ipcMain.handle: one handler per channel; results structured-cloned, thrown errors reach the
//   page as "Error invoking remote method '<channel>': <error>";
// - login items as Electron documents them per OS (path/args on Windows only; nothing on Linux);
//   app.setAppUserModelId only on Windows, isInApplicationsFolder / moveToApplicationsFolder
//   only on macOS;
// - nativeImage.createFromPath gives an empty image for a missing or non-image file, and the
//   tray refuses an empty image (Electron would show an invisible icon);
// - message boxes need a parent window (a parentless async box is app-modal on macOS and
//   blocks the main process; it may surface late on Linux);
// - app.quit(): 'before-quit', then every window is closed (its 'close' can cancel the quit),
//   then 'will-quit' (cancellable), then 'quit';
// - will-navigate / will-redirect get Electron's details object; every web contents is
//   announced with app 'web-contents-created'.
//
// What it cannot show: nothing is rendered; safeStorage's "keychain" is an AES-GCM key in this
// process, not the OS's; no Chromium runs the page (the renderer's e2e tests do that).
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, MessageBoxOptions, MessageBoxSyncOptions, NotificationConstructorOptions } from 'electron';

/** A cancellable Electron event. */
export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}
export function fakeEvent<T extends object>(fields?: T): FakeEvent & T {
  const event = {
    ...(fields ?? ({} as T)),
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

// ---- app ----------------------------------------------------------------------------------

interface LoginItemRecord {
  openAtLogin: boolean;
  path?: string;
  args?: string[];
  type?: string;
}

export class FakeApp extends EventEmitter {
  /** The OS the fake plays (login items, platform-only methods). */
  platform: NodeJS.Platform = process.platform;
  paths: Record<string, string> = {};
  appPath = '';
  isPackaged = false;
  hasLock = true;
  quitCalls = 0;
  /** True once a quit went through (after 'will-quit' was not prevented). */
  quitted = false;
  exitCode: number | null = null;
  aboutPanel: Record<string, unknown> = {};
  appUserModelId: string | null = null;
  focusCalls: { steal?: boolean }[] = [];
  /** macOS: where the bundle runs from, and what moving it to /Applications does. */
  inApplicationsFolder = true;
  moveToApplications: { calls: number; result: boolean; conflict: 'exists' | 'existsAndRunning' | null; conflictAnswers: boolean[] } = {
    calls: 0,
    result: true,
    conflict: null,
    conflictAnswers: [],
  };
  /** macOS: this launch was started by the login item. */
  openedAtLogin = false;
  /** Login items as the OS keeps them: one macOS item; Windows run keys by path + args. */
  readonly loginItems = new Map<string, LoginItemRecord>();
  private isReadyNow = false;
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
  isReady(): boolean {
    return this.isReadyNow;
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  /** The test says when Electron is ready (after the shell registered what must come before). */
  emitReady(): void {
    this.isReadyNow = true;
    this.ready();
    this.emit('ready', fakeEvent(), {});
  }
  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }
  /** Another launch of the app: what the OS hands the instance holding the lock. */
  emitSecondInstance(argv: string[], workingDirectory = process.cwd()): void {
    this.emit('second-instance', fakeEvent(), argv, workingDirectory, null);
  }
  /** Electron's Browser::Quit: before-quit, close every window (a window may cancel), will-quit, quit. */
  quit(): void {
    this.quitCalls++;
    const beforeQuit = fakeEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    for (const win of FakeBrowserWindow.getAllWindows()) {
      if (!win.close()) return;
    }
    const willQuit = fakeEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    this.quitted = true;
    this.emit('quit', fakeEvent(), 0);
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
  focus(options?: { steal?: boolean }): void {
    this.focusCalls.push(options ?? {});
  }
  setAboutPanelOptions(options: Record<string, unknown>): void {
    this.aboutPanel = options;
  }

  // Platform-only methods: Electron defines them on that OS only (electron_api_app.cc).
  private only(platform: NodeJS.Platform, name: string): void {
    if (this.platform !== platform) throw new TypeError(`app.${name} is not a function (Electron has it on ${platform} only)`);
  }
  setAppUserModelId(id: string): void {
    this.only('win32', 'setAppUserModelId');
    this.appUserModelId = id;
  }
  isInApplicationsFolder(): boolean {
    this.only('darwin', 'isInApplicationsFolder');
    return this.inApplicationsFolder;
  }
  moveToApplicationsFolder(options?: { conflictHandler?: (conflictType: 'exists' | 'existsAndRunning') => boolean }): boolean {
    this.only('darwin', 'moveToApplicationsFolder');
    this.moveToApplications.calls++;
    const { conflict } = this.moveToApplications;
    if (conflict) {
      const proceed = options?.conflictHandler ? options.conflictHandler(conflict) : true;
      this.moveToApplications.conflictAnswers.push(proceed);
      if (!proceed) return false;
    }
    return this.moveToApplications.result;
  }

  // Login items (app.md): macOS keeps one item for the app (type, serviceName — path and args
  // are Windows-only and ignored); Windows keeps run keys matched by path and args; Linux has
  // none (Electron's login item API does nothing there).
  getLoginItemSettings(options: { path?: string; args?: string[]; type?: string } = {}) {
    const item = this.platform === 'linux' ? undefined : this.loginItems.get(this.loginItemKey(options));
    return {
      openAtLogin: item?.openAtLogin ?? false,
      wasOpenedAtLogin: this.platform === 'darwin' && this.openedAtLogin,
      status: (item?.openAtLogin ? 'enabled' : 'not-registered') as 'enabled' | 'not-registered',
      executableWillLaunchAtLogin: item?.openAtLogin ?? false,
      launchItems: [],
    };
  }
  setLoginItemSettings(settings: { openAtLogin?: boolean; path?: string; args?: string[]; type?: string }): void {
    if (this.platform === 'linux') return;
    const record: LoginItemRecord =
      this.platform === 'darwin'
        ? { openAtLogin: settings.openAtLogin ?? false, type: settings.type ?? 'mainAppService' }
        : { openAtLogin: settings.openAtLogin ?? false, path: settings.path ?? process.execPath, args: settings.args ?? [] };
    const key = this.loginItemKey(settings);
    if (record.openAtLogin) this.loginItems.set(key, record);
    else this.loginItems.delete(key);
  }
  private loginItemKey(options: { path?: string; args?: string[]; type?: string }): string {
    if (this.platform === 'darwin') return options.type ?? 'mainAppService';
    return JSON.stringify([options.path ?? process.execPath, options.args ?? []]);
  }
}

// ---- web contents, frames, windows ---------------------------------------------------------

let frameCount = 0;
let contentsCount = 0;

export class FakeFrame {
  readonly processId = 1;
  readonly routingId = ++frameCount;
  readonly frameToken = `frame-${frameCount}`;
  constructor(public url: string) {}
}

type WindowOpenHandler = (details: { url: string; frameName?: string; features?: string; disposition?: string }) => { action: 'allow' | 'deny' };

export class FakeWebContents extends EventEmitter {
  static readonly all: FakeWebContents[] = [];
  readonly id = ++contentsCount;
  readonly mainFrame: FakeFrame;
  readonly sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  destroyed = false;
  /** Every URL loadURL was asked for, resolved or not. */
  readonly loadRequests: string[] = [];
  /** Creates a web contents and announces it, as Electron does for windows, webviews, devtools. */
  constructor(url = '') {
    super();
    this.mainFrame = new FakeFrame(url);
    FakeWebContents.all.push(this);
    state.app.emit('web-contents-created', fakeEvent(), this);
  }
  send(channel: string, payload: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  /**
   * webContents.loadURL: the URL goes through protocol.handle's handler (the only scheme the
   * fake serves) and the promise rejects as Electron's does, with "<code> (<errno>) loading '<url>'".
   */
  async loadURL(url: string): Promise<void> {
    this.loadRequests.push(url);
    const failure = await state.protocol.navigate(url);
    if (failure) {
      this.emit('did-fail-load', fakeEvent(), failure.errno, failure.code, url, true, this.mainFrame.processId, this.mainFrame.routingId);
      throw Object.assign(new Error(`${failure.code} (${failure.errno}) loading '${url}'`), { errno: failure.errno, code: failure.code, url });
    }
    this.mainFrame.url = url;
    this.emit('did-finish-load', fakeEvent());
  }
  /**
   * The page (or the user) starts a navigation: fires will-navigate / will-redirect with
   * Electron's details object (plus the deprecated positional arguments), or will-attach-webview
   * with its webPreferences and params. True if the shell prevented it.
   */
  fire(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean {
    if (event === 'will-attach-webview') {
      const attach = fakeEvent();
      this.emit(event, attach, { nodeIntegration: false }, { src: url });
      return attach.defaultPrevented;
    }
    const details = fakeEvent({ url, isSameDocument: false, isMainFrame: true, frame: this.mainFrame, initiator: null as FakeFrame | null });
    this.emit(event, details, url, false, true, this.mainFrame.processId, this.mainFrame.routingId);
    return details.defaultPrevented;
  }
  /**
   * window.open / a target=_blank link, as Electron's _callWindowOpenHandler decides it:
   * with no handler the window opens; anything but {action:'allow'|'deny'} is refused.
   */
  openWindow(url: string): 'allow' | 'deny' {
    if (!this.windowOpenHandler) return 'allow';
    const response = this.windowOpenHandler({ url, frameName: '', features: '', disposition: 'foreground-tab' });
    return response && typeof response === 'object' && response.action === 'allow' ? 'allow' : 'deny';
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly all: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed);
  }
  readonly webContents: FakeWebContents;
  readonly loaded: string[] = [];
  visible = false;
  focused = false;
  destroyed = false;
  minimized = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    if (!state.app.isReady()) throw new Error('Cannot create BrowserWindow before app is ready');
    this.webContents = new FakeWebContents();
    FakeBrowserWindow.all.push(this);
  }
  async loadURL(url: string): Promise<void> {
    await this.webContents.loadURL(url);
    this.loaded.push(url);
  }
  show(): void {
    this.visible = true;
    this.focused = true;
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
  }
  focus(): void {
    this.focused = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return this.focused;
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
  /** win.close(): 'close' (cancellable), then destroyed and 'closed'. True if it closed. */
  close(): boolean {
    if (this.destroyed) return true;
    const event = fakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroy();
    this.emit('closed');
  }
  /** The user closes the window; true if the shell kept it (hid it instead). */
  userClose(): boolean {
    return !this.close();
  }
}

// ---- tray, menus, images, notifications, dialogs --------------------------------------------

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

export class FakeNativeImage {
  template = false;
  private readonly empty: boolean;
  /** Read when created, as nativeImage.createFromPath does: a missing or non-image file is empty. */
  constructor(readonly path: string) {
    let bytes: Buffer | null = null;
    try {
      bytes = readFileSync(path);
    } catch {
      bytes = null;
    }
    this.empty = !bytes || !(bytes.subarray(0, 4).equals(PNG_MAGIC) || bytes.subarray(0, 3).equals(JPEG_MAGIC));
  }
  isEmpty(): boolean {
    return this.empty;
  }
  setTemplateImage(on: boolean): void {
    this.template = on;
  }
  isTemplateImage(): boolean {
    return this.template;
  }
}

export class FakeMenu {
  constructor(readonly items: MenuItemConstructorOptions[]) {}
}

function refuseEmpty(image: FakeNativeImage): void {
  if (!(image instanceof FakeNativeImage)) throw new TypeError('fake Tray: expected a NativeImage');
  if (image.isEmpty()) throw new Error(`fake Tray: empty image from '${image.path}' (Electron would show an invisible tray icon)`);
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
    if (!state.app.isReady()) throw new Error('Cannot create Tray before app is ready');
    refuseEmpty(image);
    this.image = image;
    FakeTray.all.push(this);
  }
  setImage(image: FakeNativeImage): void {
    refuseEmpty(image);
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
    if (!state.app.isReady()) throw new Error('Cannot create Notification before app is ready');
  }
  static isSupported(): boolean {
    return true;
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
}

export interface ShownMessageBox extends MessageBoxOptions {
  /** The window the box was attached to (null for a parentless sync box). */
  parent: FakeBrowserWindow | null;
}

export interface FakeDialog {
  shown: ShownMessageBox[];
  errors: { title: string; content: string }[];
  showErrorBox(title: string, content: string): void;
  /** Button indexes the next message boxes answer (each waits until one is queued). */
  answer(response: number): void;
  showMessageBox(window: FakeBrowserWindow, options: MessageBoxOptions): Promise<{ response: number; checkboxChecked: boolean }>;
  /** Blocking, parentless boxes are allowed (start-up questions before any window exists). */
  showMessageBoxSync(options: MessageBoxSyncOptions): number;
}

function fakeDialog(): FakeDialog {
  const answers: number[] = [];
  const waiting: ((response: number) => void)[] = [];
  const checkReady = () => {
    if (!state.app.isReady()) throw new Error('dialog module can only be used after app is ready');
  };
  return {
    shown: [],
    errors: [],
    // Electron allows the error box at any time, even before ready.
    showErrorBox(title, content) {
      this.errors.push({ title, content });
    },
    answer(response) {
      const next = waiting.shift();
      if (next) next(response);
      else answers.push(response);
    },
    showMessageBox(window, options) {
      checkReady();
      if (!(window instanceof FakeBrowserWindow) || window.isDestroyed()) {
        throw new Error(
          'fake dialog: showMessageBox needs a parent window — a parentless box is app-modal on macOS (it blocks the main process until answered) and may surface late on Linux',
        );
      }
      this.shown.push({ ...(options as MessageBoxOptions), parent: window });
      const queued = answers.shift();
      const response = queued !== undefined ? Promise.resolve(queued) : new Promise<number>((resolve) => waiting.push(resolve));
      return response.then((r) => ({ response: r, checkboxChecked: false }));
    },
    showMessageBoxSync(options) {
      checkReady();
      this.shown.push({ ...options, parent: null });
      const queued = answers.shift();
      if (queued === undefined) throw new Error('fake dialog: showMessageBoxSync blocks — queue an answer first (dialog.answer)');
      return queued;
    },
  };
}

// ---- IPC ------------------------------------------------------------------------------------

type MainHandler = (event: FakeInvokeEvent, ...args: unknown[]) => unknown;

export interface FakeInvokeEvent {
  sender: FakeWebContents;
  senderFrame: FakeFrame | null;
}

/** V8's serializer, as Electron's IPC uses it: what structuredClone cannot copy fails the same way. */
function ipcClone<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    throw new Error('An object could not be cloned.');
  }
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
  /**
   * What ipcRenderer.invoke does: arguments and the result pass through the structured clone
   * algorithm; a handler that throws (or a result that cannot be cloned) reaches the page as
   * "Error invoking remote method '<channel>': <error.toString()>" (lib/browser/ipc-dispatch.ts,
   * lib/renderer/api/ipc-renderer.ts).
   */
  async invokeFrom(sender: FakeWebContents, frame: FakeFrame | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const clonedArgs = ipcClone(args);
    const handler = this.handlers.get(channel);
    let reply: { result?: unknown; error?: string };
    if (!handler) reply = { error: String(new Error(`No handler registered for '${channel}'`)) };
    else {
      try {
        reply = { result: ipcClone(await handler({ sender, senderFrame: frame }, ...clonedArgs)) };
      } catch (error) {
        reply = { error: String(error) };
      }
    }
    if (reply.error !== undefined) throw new Error(`Error invoking remote method '${channel}': ${reply.error}`);
    return reply.result;
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
      this.listeners.emit(channel, { sender: null }, ipcClone(payload));
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

// ---- protocol, session ------------------------------------------------------------------------

type ProtocolHandler = (request: Request) => Promise<Response> | Response;
type Privileges = Record<string, boolean>;

/** Chromium's net error for a load, as did-fail-load and loadURL's rejection carry it. */
interface LoadFailure {
  errno: number;
  code: string;
}

class FakeProtocol {
  privileged: { scheme: string; privileges: Privileges }[] = [];
  private registeredPrivileged = false;
  readonly handlers = new Map<string, ProtocolHandler>();
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Privileges }[]): void {
    if (state.app.isReady()) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    // Electron's docs: "can only be used before the ready event … and can be called only once".
    if (this.registeredPrivileged) throw new Error('fake protocol: registerSchemesAsPrivileged can be called only once (a second call replaces the first list)');
    this.registeredPrivileged = true;
    this.privileged.push(...schemes);
  }
  /** protocol.handle is session.defaultSession.protocol.handle: after ready, once per scheme. */
  handle(scheme: string, handler: ProtocolHandler): void {
    void state.session.defaultSession;
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
    if (!this.handlers.delete(scheme)) throw new Error(`Failed to unhandle protocol: ${scheme}`);
  }
  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }
  /** What Chromium does for a URL of a handled scheme (a subresource fetch: any status). */
  async fetch(url: string): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.replace(/:$/, ''));
    if (!handler) throw new Error(`fake protocol: nothing handles ${url}`);
    return handler(new Request(url));
  }
  /**
   * A main-frame load. Electron's protocol.handle answers ERR_UNEXPECTED for a throwing handler
   * or an invalid response and ERR_FAILED for Response.error(); a scheme nobody handles stops
   * loading with ERR_FAILED. An HTTP error status fails the load too (ERR_HTTP_RESPONSE_CODE_FAILURE;
   * Chromium would render a 4xx/5xx *with* a body as a page — the fake is stricter, so a
   * missing index.html can never pass as loaded).
   */
  async navigate(url: string): Promise<LoadFailure | null> {
    let scheme: string;
    try {
      scheme = new URL(url).protocol.replace(/:$/, '');
    } catch {
      return { errno: -300, code: 'ERR_INVALID_URL' };
    }
    const handler = this.handlers.get(scheme);
    if (!handler) return { errno: -2, code: 'ERR_FAILED' };
    let response: Response;
    try {
      response = await handler(new Request(url));
    } catch {
      return { errno: -9, code: 'ERR_UNEXPECTED' };
    }
    if (!(response instanceof Response)) return { errno: -9, code: 'ERR_UNEXPECTED' };
    if (response.type === 'error') return { errno: -2, code: 'ERR_FAILED' };
    if (!response.ok) return { errno: -379, code: 'ERR_HTTP_RESPONSE_CODE_FAILURE' };
    await response.arrayBuffer();
    return null;
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

// ---- safeStorage --------------------------------------------------------------------------------

/** The Linux password store Electron's sync path picked (getSelectedStorageBackend). */
export type SyncBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6';
/**
 * The key provider the async encryptor really got its key from (Chromium's os_crypt_async):
 * the OS keychain ('v10' on macOS and Windows), the freedesktop Secret Service ('v11'), the
 * Secret portal ('v12'), or — on Linux when none answers — the built-in fallback key ('v10',
 * PBKDF2 of the public password "peanuts"), which protects nothing.
 */
export type KeyProvider = 'keychain' | 'dpapi' | 'secret_service' | 'secret_portal' | 'fallback' | 'none';

const PROVIDER_TAG: Record<Exclude<KeyProvider, 'none'>, string> = { keychain: 'v10', dpapi: 'v10', secret_service: 'v11', secret_portal: 'v12', fallback: 'v10' };
/** Chromium's built-in Linux key: PBKDF2-HMAC-SHA1("peanuts", "saltysalt", 1 iteration, 16 bytes). */
export const CHROMIUM_FALLBACK_KEY = pbkdf2Sync('peanuts', 'saltysalt', 1, 16, 'sha1');
const CBC_IV = Buffer.alloc(16, 0x20);

export const TEMPORARILY_UNAVAILABLE_MESSAGE = 'safeStorage.decryptStringAsync is temporarily unavailable. Please try again.';

/**
 * safeStorage as Electron 45 implements it (shell/browser/api/electron_api_safe_storage.cc):
 * the async encryptor is requested on first use after ready and calls wait until it is there.
 */
export class FakeSafeStorage {
  /** The sync path's pick; on Linux the async encryptor may still use another key. */
  backend: SyncBackend = 'gnome_libsecret';
  /** Set to force the async key provider; by default it follows the platform and `backend`. */
  keyProvider: KeyProvider | null = null;
  /** Calls that will fail as "temporarily unavailable" before decryption works again. */
  transientDecryptFailures = 0;
  readonly calls = { encrypt: 0, decrypt: 0 };
  private secret = randomBytes(32);
  private initGate: Promise<void> | null = null;
  private releaseInit: (() => void) | null = null;

  /** The encryptor's initialisation (the keychain prompt, D-Bus) takes until `release()`. */
  holdInitialisation(): () => void {
    this.initGate = new Promise((resolve) => (this.releaseInit = resolve));
    return () => {
      this.releaseInit?.();
      this.initGate = null;
    };
  }
  /** The provider in use now. */
  provider(): KeyProvider {
    if (this.keyProvider) return this.keyProvider;
    if (state.app.platform === 'darwin') return 'keychain';
    if (state.app.platform === 'win32') return 'dpapi';
    return this.backend === 'basic_text' ? 'fallback' : 'secret_service';
  }
  private async encryptor(): Promise<void> {
    if (this.initGate) await this.initGate;
  }

  async isAsyncEncryptionAvailable(): Promise<boolean> {
    if (!state.app.isReady()) return false;
    await this.encryptor();
    return true;
  }
  getSelectedStorageBackend(): SyncBackend | 'unknown' {
    if (state.app.platform !== 'linux') throw new TypeError('safeStorage.getSelectedStorageBackend is not a function (Linux only)');
    return state.app.isReady() ? this.backend : 'unknown';
  }
  async encryptStringAsync(plain: string): Promise<Buffer> {
    if (!state.app.isReady()) throw new Error('safeStorage cannot be used before app is ready');
    await this.encryptor();
    this.calls.encrypt++;
    const provider = this.provider();
    if (provider === 'none') throw new Error('Error while encrypting the text provided to safeStorage.encryptStringAsync.');
    const tag = Buffer.from(PROVIDER_TAG[provider], 'latin1');
    if (provider === 'fallback') {
      const c = createCipheriv('aes-128-cbc', CHROMIUM_FALLBACK_KEY, CBC_IV);
      return Buffer.concat([tag, c.update(plain, 'utf8'), c.final()]);
    }
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.secret, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([tag, iv, c.getAuthTag(), body]);
  }
  async decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    if (!state.app.isReady()) throw new Error('safeStorage cannot be used before app is ready');
    if (!Buffer.isBuffer(encrypted)) throw new Error('Expected the first argument of decryptStringAsync() to be a buffer');
    if (encrypted.length === 0) return { result: '', shouldReEncrypt: false };
    await this.encryptor();
    this.calls.decrypt++;
    if (this.transientDecryptFailures > 0) {
      this.transientDecryptFailures--;
      throw new Error(TEMPORARILY_UNAVAILABLE_MESSAGE);
    }
    const failed = () => new Error('Error while decrypting the ciphertext provided to safeStorage.decryptStringAsync.');
    const tag = encrypted.subarray(0, 3).toString('latin1');
    const body = encrypted.subarray(3);
    try {
      const current = this.provider();
      // On Linux the fallback provider is always there to decrypt 'v10' data, whatever encrypts now.
      if (tag === 'v10' && state.app.platform === 'linux') {
        const d = createDecipheriv('aes-128-cbc', CHROMIUM_FALLBACK_KEY, CBC_IV);
        return { result: Buffer.concat([d.update(body), d.final()]).toString('utf8'), shouldReEncrypt: current !== 'fallback' && current !== 'none' };
      }
      const d = createDecipheriv('aes-256-gcm', this.secret, body.subarray(0, 12));
      d.setAuthTag(body.subarray(12, 28));
      const result = Buffer.concat([d.update(body.subarray(28)), d.final()]).toString('utf8');
      // Written with another provider's key than the one in use now: re-encrypt (key rotation).
      return { result, shouldReEncrypt: current !== 'none' && tag !== PROVIDER_TAG[current] };
    } catch {
      throw failed();
    }
  }
  /** A wiped keychain: what was encrypted before no longer decrypts. */
  resetKeychain(): void {
    this.secret = randomBytes(32);
  }
}

// ---- clipboard, shell -------------------------------------------------------------------------

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
  readonly shown: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
  showItemInFolder(fullPath: string): void {
    this.shown.push(fullPath);
  }
}

// ---- the module -----------------------------------------------------------------------------

function createFakeElectron() {
  const ipcMain = new FakeIpcMain();
  const defaultSession = new FakeSession();
  const app = new FakeApp();
  return {
    app,
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
    session: {
      get defaultSession(): FakeSession {
        if (!app.isReady()) throw new TypeError('Session can only be received when app is ready');
        return defaultSession;
      },
    },
    webContents: { getAllWebContents: () => FakeWebContents.all.filter((c) => !c.destroyed) },
    safeStorage: new FakeSafeStorage(),
    clipboard: new FakeClipboard(),
    shell: new FakeShell(),
  };
}

/** The one fake for the test file (vi.mock factories and the test import the same instance). */
export const fakeElectron = createFakeElectron();
export type FakeElectron = typeof fakeElectron;
const state = fakeElectron;

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
