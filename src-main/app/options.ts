// What the shell injects into the app core (everything Electron provides: the cipher, the
// clipboard, the browser, notifications, dialogs, the login item), and what it gets back.
import type { EventPayload } from '../../src-shared/ipc-contract';
import type { ClipboardText } from './clipboard-keys';
import type { AccessRequest, ApprovalAnswer } from './approval';
import type { LoginItem } from './login-item-port';
import type { AppCore } from './types';
import type { Probe } from '../upstream/probe';
import type { Cipher, Clock, StoreBackend } from '../vault';

export interface Notification {
  title: string;
  body: string;
  /** What clicking it opens (the key or dialog it is about); default: the window as it was. */
  open?: EventPayload<'app:navigate'>;
}

export interface AppCoreOptions {
  userDataDir: string;
  homeDir: string;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** For the per-user socket name (Windows). Default os.userInfo().username. */
  username?: string;
  cipher: Cipher;
  /** The vault's store; default `conf` (electron-store's base, same file) in userDataDir. */
  store?: StoreBackend;
  clock?: Clock;
  /** dist/bridge.js (unpacked from asar when packaged). */
  bridgeScriptPath: string;
  /** The app binary: the launcher runs it with ELECTRON_RUN_AS_NODE=1 when packaged. */
  appExecPath: string;
  isPackaged: boolean;
  /** Node for the launcher from a checkout (default `node` on PATH). */
  nodePath?: string;
  /** The agent socket; default per user (KEYBRIDGE_AGENT_SOCKET in env overrides). */
  socketPath?: string;
  clipboard: ClipboardText;
  openExternal: (url: string) => Promise<void> | void;
  /** Shows a file in the system's file manager (a notice's "Show the old file"). */
  showItemInFolder?: (path: string) => void;
  /** The app's log file, for Settings → Open logs (the shell writes it). */
  logFile?: string;
  notify: (notification: Notification) => void;
  /** The approval prompt (a native dialog in the app). */
  askApproval: (request: AccessRequest) => Promise<ApprovalAnswer>;
  loginItem: LoginItem;
  /** The verify probe (default: a real MCP initialize + tools/list). */
  probe?: Probe;
  /** Diagnostics (already redacted, and filtered by Settings → Log level). Default: nothing. */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

/** The core plus what only the shell needs. */
export interface AppCoreHandle extends AppCore {
  readonly socketPath: string;
  readonly launcherPath: string;
}
