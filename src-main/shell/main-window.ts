// The settings window: created on demand, hidden (not destroyed) when closed so the app lives
// on in the tray. Sandboxed, context-isolated, no Node; it may not navigate, open windows,
// attach webviews or get any permission. Links leave only through the external allow-list.
import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, Session } from 'electron';
import { APP_INDEX_URL } from './security';

export interface MainWindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindowType;
  session: Session;
  preloadPath: string;
  iconPath: string;
  devTools: boolean;
  /** Opens an allow-listed https URL in the browser; anything else is dropped. */
  openExternal: (url: string) => void;
  /** True while the app is quitting: then closing really closes. */
  isQuitting: () => boolean;
}

export interface MainWindow {
  /** The window if it exists (it may be hidden). */
  current(): BrowserWindowType | null;
  /** Shows (creating if needed) and focuses the window; resolves once the page has loaded. */
  show(): Promise<BrowserWindowType>;
}

export function windowOptions(deps: Pick<MainWindowDeps, 'preloadPath' | 'iconPath' | 'devTools'>): BrowserWindowConstructorOptions {
  return {
    width: 1000,
    height: 720,
    minWidth: 760,
    minHeight: 540,
    show: false,
    title: 'KeyBridge',
    icon: deps.iconPath,
    webPreferences: {
      preload: deps.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: deps.devTools,
    },
  };
}

/** Denies every permission the page (or anything else in the session) asks for. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export function createMainWindow(deps: MainWindowDeps): MainWindow {
  let window: BrowserWindowType | null = null;
  let loaded: Promise<void> | null = null;

  const create = (): BrowserWindowType => {
    const win = new deps.BrowserWindow(windowOptions(deps));
    const contents = win.webContents;
    contents.on('will-navigate', (details) => {
      details.preventDefault();
      deps.openExternal(details.url);
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      deps.openExternal(url);
      return { action: 'deny' };
    });
    win.on('close', (event) => {
      if (deps.isQuitting()) return;
      event.preventDefault();
      win.hide();
    });
    win.on('closed', () => {
      window = null;
      loaded = null;
    });
    return win;
  };

  // A load that failed is not kept as "the" load: the next show() loads the page again.
  const load = (win: BrowserWindowType): Promise<void> => {
    const attempt = win.loadURL(APP_INDEX_URL);
    loaded = attempt;
    attempt.catch(() => {
      if (loaded === attempt) loaded = null;
    });
    return attempt;
  };

  return {
    current: () => (window && !window.isDestroyed() ? window : null),
    async show() {
      if (!window || window.isDestroyed()) window = create();
      const win = window;
      await (loaded ?? load(win));
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
      return win;
    },
  };
}
