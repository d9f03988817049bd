// The Electron shell: composes the app core with Electron's pieces — safeStorage, the window,
// the tray, IPC, notifications, the approval dialog, the login item — once the app is ready.
import * as electron from 'electron';
import { nextStepAfterConnect } from '../../src-shared/assistants';
import { createAppCore, type AppCoreHandle } from '../app/create-app';
import type { TrayAction } from '../app/tray-model';
import { createInvoker, createIpcHandlers, subscribeCoreEvents } from '../app/ipc-handlers';
import { userMessage } from '../app/user-message';
import { handleAppProtocol } from './app-protocol';
import { copyBridgeOutOfMount, runningAppImage } from './appimage';
import { registerIpc } from './ipc';
import { appCommand, loginItemFor } from './login-item';
import { createMainWindow, denyPermissions, type MainWindow } from './main-window';
import { appPaths } from './paths';
import path from 'node:path';
import { approvalDialog, notifier } from './prompts';
import { openLogFile } from '../app/log-file';
import { safeStorageCipher } from './safe-storage-cipher';
import { isTrustedSender } from './security';
import { createTray, type TrayController } from './tray';
import { trayIcons } from './tray-icons';

const { app, BrowserWindow, Menu, Notification, Tray, clipboard, dialog, ipcMain, nativeImage, protocol, safeStorage, session, shell } = electron;

export interface Shell {
  core: AppCoreHandle;
  window: MainWindow;
  tray: TrayController;
  /** Runs a tray menu action. */
  run(action: TrayAction): void;
  /** Stops the core and removes what the shell registered (the app quits around it). */
  stop(): Promise<void>;
}

export interface ShellOptions {
  hidden: boolean;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export async function startShell({ hidden, log: logToStderr }: ShellOptions): Promise<Shell> {
  const paths = appPaths(app.getAppPath(), app.isPackaged, process.resourcesPath);
  const homeDir = app.getPath('home');
  const userDataDir = app.getPath('userData');
  // Every line also goes to a file the user can open from Settings (already redacted).
  const logFile = openLogFile(path.join(userDataDir, 'logs', 'keybridge.log'));
  const log: ShellOptions['log'] = (level, message) => {
    logToStderr(level, message);
    logFile.write(level, message);
  };
  let quitting = false;
  app.on('before-quit', () => {
    quitting = true;
  });

  handleAppProtocol(protocol, paths.rendererDir);
  denyPermissions(session.defaultSession);

  let window: MainWindow | null = null;
  const showWindow = () => {
    window?.show().catch((error: unknown) => log('error', `Could not open the window: ${String(error)}`));
  };
  // Clicking a notification opens the window at the key or dialog it is about.
  const notify = notifier(Notification, paths.appIcon, (open) => (open ? navigateTo(open) : showWindow()));
  // An approval comes up in KeyBridge's own window, brought to the front: a parentless box is
  // app-modal on macOS (it blocks the main process — agent replies, IPC — until answered) and
  // can surface long after the request on Linux when no window exists yet.
  const askApproval: Parameters<typeof createAppCore>[0]['askApproval'] = async (request) => {
    if (!window) throw new Error('KeyBridge is still starting');
    const win = await window.show();
    if (process.platform === 'darwin') app.focus({ steal: true });
    win.focus();
    return approvalDialog(dialog, () => win)(request);
  };
  // From an AppImage, the launcher runs the image and a copy of the bridge outside its mount.
  const appImage = runningAppImage(process.env, process.platform, app.isPackaged);
  const bridgeScriptPath = appImage ? await copyBridgeOutOfMount(paths.bridgeScript, homeDir) : paths.bridgeScript;

  const core = await createAppCore({
    userDataDir,
    homeDir,
    platform: process.platform,
    env: process.env,
    cipher: safeStorageCipher(safeStorage, process.platform),
    // The store is conf, electron-store's base class with the same file format, opened in
    // userData by the core: electron-store would add only an ipcMain listener answering any
    // renderer with the userData path, and load 'electron' outside what tests can stand in for.
    bridgeScriptPath,
    appExecPath: appImage ?? process.execPath,
    isPackaged: app.isPackaged,
    clipboard,
    openExternal: (url) => shell.openExternal(url),
    showItemInFolder: (file) => shell.showItemInFolder(file),
    logFile: logFile.path,
    notify,
    askApproval,
    loginItem: loginItemFor(app, process.platform, homeDir, process.env, appCommand(app, process.execPath)),
    log,
  });

  const openExternal = (url: string) => {
    core.app.openExternal(url).catch((error: unknown) => log('warn', `Refused to open a link: ${String(error)}`));
  };
  window = createMainWindow({
    BrowserWindow,
    session: session.defaultSession,
    preloadPath: paths.preload,
    iconPath: paths.appIcon,
    devTools: !app.isPackaged,
    openExternal,
    isQuitting: () => quitting,
  });
  const mainWindow = window;

  const invoker = createInvoker(createIpcHandlers(core), {
    onInternalError: (channel, detail) => log('error', `${channel} failed: ${detail}`),
  });
  // A navigation asked for by the tray waits until the page runs (it has called main since the
  // window was created), so a cold-started window does not miss it.
  let livePage: ReturnType<MainWindow['current']> = null;
  let pendingNavigation: Parameters<AppCoreHandle['app']['navigate']>[0] | null = null;
  const pageCalled = () => {
    livePage = mainWindow.current();
    const target = pendingNavigation;
    pendingNavigation = null;
    if (target) setImmediate(() => core.app.navigate(target));
  };
  const unregisterIpc = registerIpc(
    ipcMain,
    async (channel, rawArgs) => {
      const result = await invoker(channel, rawArgs);
      pageCalled();
      return result;
    },
    (event) => isTrustedSender(event, mainWindow.current()),
  );
  const unforward = subscribeCoreEvents(
    core,
    (channel, payload) => {
      const win = mainWindow.current();
      if (win && !win.webContents.isDestroyed()) win.webContents.send(channel, payload);
    },
    (channel, detail) => log('error', `${channel} event off the contract: ${detail}`),
  );

  const failed = (what: string) => (error: unknown) => {
    notify({ title: `${what} failed`, body: userMessage(error, (detail) => log('error', `${what} failed: ${detail}`)) });
  };
  const navigateTo = (target: Parameters<AppCoreHandle['app']['navigate']>[0]) => {
    mainWindow
      .show()
      .then((win) => {
        if (win === livePage) core.app.navigate(target);
        else pendingNavigation = target;
      })
      .catch(failed('Opening KeyBridge'));
  };
  const run = (action: TrayAction): void => {
    switch (action.kind) {
      case 'open':
        return showWindow();
      case 'add-key':
        return navigateTo({ screen: 'keys', action: 'add-key', profile: null });
      case 'rotate':
        return navigateTo({ screen: 'keys', action: 'rotate', profile: action.profile });
      case 'reenter':
        return navigateTo({ screen: 'keys', action: 'reenter', profile: action.profile });
      case 'test':
        void core.profiles.testConnection(action.profile).then(
          (result) =>
            notify(
              result.ok
                ? { title: `${action.profile} works`, body: `Connected to ${result.serverName} ${result.serverVersion}: ${result.toolCount} tools, ${Math.round(result.roundTripMs)} ms round trip.` }
                : { title: `${action.profile} failed`, body: result.message, open: { screen: 'keys', action: null, profile: action.profile } },
            ),
          failed(`Testing ${action.profile}`),
        );
        return;
      case 'rollback':
        void core.profiles.rollback(action.profile).then(
          (view) => notify({ title: `${action.profile} rolled back`, body: `Assistants use the old key ${view.key?.masked ?? ''} again.` }),
          failed('Rolling back'),
        );
        return;
      case 'confirm-revoked':
        void core.profiles.confirmRevoked(action.profile).then(
          () => notify({ title: 'Old key forgotten', body: `The vendor refuses the old key of ${action.profile} now; KeyBridge no longer keeps it.` }),
          failed('Confirming the old key revoked'),
        );
        return;
      case 'connect':
        void core.clients.connect({ client: action.client, profile: action.profile }).then(
          (view) => notify({ title: `${view.label} connected to ${action.profile}`, body: nextStepAfterConnect(action.client).text }),
          failed('Connecting'),
        );
        return;
      case 'test-all':
        void core.profiles.verifyAll().then((results) => {
          const bad = results.filter((r) => !r.result.ok);
          notify({
            title: bad.length === 0 ? 'All keys work' : `${bad.length} of ${results.length} keys failed`,
            body: bad.length === 0 ? `${results.length} key${results.length === 1 ? '' : 's'} verified.` : bad.map((r) => (r.result.ok ? '' : r.result.message)).join('\n'),
          });
        }, failed('Testing the keys'));
        return;
      case 'set-paused':
        void core.profiles.setPaused({ name: action.profile, paused: action.paused }).catch(failed(action.paused ? 'Pausing' : 'Resuming'));
        return;
      case 'launch-at-login':
        void core.settings.update({ launchAtLogin: action.enabled }).catch(failed('Launch at login'));
        return;
      case 'quit':
        app.quit();
        return;
    }
  };

  const tray = await createTray({
    core,
    Tray,
    Menu,
    iconFor: trayIcons(nativeImage, paths.trayIconDir, process.platform),
    run,
    platform: process.platform,
    onError: (error) => log('warn', `Tray refresh failed: ${String(error)}`),
  });

  await core.start();
  if (!hidden) showWindow();

  return {
    core,
    window: mainWindow,
    tray,
    run,
    async stop() {
      unforward();
      unregisterIpc();
      tray.destroy();
      await core.stop();
    },
  };
}
