// The main process entry (esbuild → dist/main.js). One instance per user: a second launch
// shows the first one's window (unless it asks to stay hidden, as a bridge starting the app
// does). `--hidden` starts in the tray only (login, bridges).
import { app, dialog, protocol } from 'electron';
import { redact } from '../../src-shared/redact';
import { registerAppScheme } from './app-protocol';
import { startsHidden } from './login-item';
import { offerMoveToApplications, setAppIdentity } from './platform';
import { guardAllWebContents } from './security';
import { startShell, type Shell } from './shell';

declare const __KEYBRIDGE_VERSION__: string | undefined;
const version = typeof __KEYBRIDGE_VERSION__ === 'string' ? __KEYBRIDGE_VERSION__ : app.getVersion();

function log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
  process.stderr.write(`[keybridge ${level}] ${redact(message)}\n`);
}

async function boot(): Promise<Shell | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  // From here on this is the instance: a second launch (or a Dock click) that arrives while
  // start-up is still running is remembered and served once the window can be shown.
  let shell: Shell | null = null;
  let showWhenStarted = false;
  const showWindow = () => {
    if (shell) shell.window.show().catch((error: unknown) => log('error', `Could not open the window: ${String(error)}`));
    else showWhenStarted = true;
  };
  app.on('second-instance', (_event, argv) => {
    if (!argv.includes('--hidden')) showWindow();
  });
  // macOS: clicking the Dock icon of the running app opens its window.
  app.on('activate', showWindow);
  // Before ready: app:// is our standard, secure origin; no web contents is ever unguarded.
  registerAppScheme(protocol);
  guardAllWebContents(app);
  setAppIdentity(app, process.platform);
  app.setAboutPanelOptions({ applicationName: 'KeyBridge', applicationVersion: version });
  // A tray app: closing the window keeps it running.
  app.on('window-all-closed', () => undefined);
  await app.whenReady();
  const hidden = startsHidden(process.argv, app, process.platform);
  if (offerMoveToApplications({ app, dialog, platform: process.platform, hidden, log }) === 'moved') {
    // Electron has started the moved copy, which takes over from here.
    app.quit();
    return null;
  }
  shell = await startShell({ hidden, log });
  if (showWhenStarted) showWindow();
  let stopped = false;
  const started = shell;
  app.on('will-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    stopped = true;
    void started.stop().finally(() => app.quit());
  });
  log('info', `KeyBridge ${version} started; agent on ${shell.core.socketPath}`);
  return shell;
}

/** The running shell (for the boot test); null when another instance had the lock. */
export const booted: Promise<Shell | null> = boot().catch((error: unknown) => {
  log('error', `KeyBridge could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  // A tray app that dies silently leaves the user guessing: say why (e.g. another copy of
  // KeyBridge already serves the agent socket).
  dialog.showErrorBox('KeyBridge could not start', redact(error instanceof Error ? error.message : String(error)));
  app.exit(1);
  return null;
});
