// The composition root of the tray's main process, in plain Node: the vault, the assistants'
// configs, the agent and the app's services, wired once. Everything Electron provides is
// injected (options.ts), so tests and the renderer's harness build a real app with temp dirs.
// Where each behaviour lives: docs/architecture.md.
import path from 'node:path';
import Conf from 'conf';
import { agentSocketPath } from '../../src-shared/agent-socket-path';
import type { Settings } from '../../src-shared/ipc-contract';
import { LOG_LEVELS } from '../../src-shared/log-levels';
import { redact, type Redactor } from '../../src-shared/redact';
import { safeUsername } from '../agent';
import { ClientsService, clientViewOf, launcherPath, vaultMigrationTarget } from '../clients';
import { createVault, systemClock, VAULT_STORE_FILE_OPTIONS, VAULT_STORE_NAME, vaultStorePath, type StoreBackend } from '../vault';
import { createActivityLog } from './activity-log';
import { createAlerts } from './alerts';
import type { AppContext } from './context';
import { createEventHub } from './event-hub';
import { createLifecycle } from './lifecycle';
import { createNotices } from './notices';
import type { AppCoreHandle, AppCoreOptions } from './options';
import { redactingCore } from './redacting-core';
import { activityService } from './services/activity';
import { assistantsService } from './services/assistants';
import { keysService } from './services/keys';
import { migrationService } from './services/migration';
import { settingsService } from './services/settings';

export type { AppCoreHandle, AppCoreOptions, Notification } from './options';


function confBackend(userDataDir: string): StoreBackend {
  return {
    path: vaultStorePath(userDataDir),
    open: () => new Conf<Record<string, unknown>>({ ...VAULT_STORE_FILE_OPTIONS, configName: VAULT_STORE_NAME, projectName: 'keybridge', cwd: userDataDir }),
  };
}

export async function createAppCore(given: AppCoreOptions): Promise<AppCoreHandle> {
  // Whatever leaves the app (notifications, diagnostics, the activity log, notices, events, every
  // action's answer and error) is redacted with every key the vault has held in this process.
  let redactKeys: Redactor = (text) => redact(text);
  const redactText: Redactor = (text) => redactKeys(text);
  const options: AppCoreOptions = {
    ...given,
    notify: ({ title, body, open }) => given.notify({ title: redactText(title), body: redactText(body), ...(open ? { open } : {}) }),
    // Settings → Log level decides what reaches the log (errors always do).
    log: (level, message) => {
      if (LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(levelNow())) given.log?.(level, redactText(message));
    },
  };
  let levelNow = (): Settings['logLevel'] => 'info';
  const clock = options.clock ?? systemClock;
  const now = () => new Date(clock.now());
  const log = options.log ?? (() => undefined);
  const hub = createEventHub((channel, error) => log('error', `A ${channel} listener failed: ${String(error)}`), redactText);
  const host = { platform: options.platform, homeDir: options.homeDir, env: { ...options.env } };
  const vault = await createVault({ backend: options.store ?? confBackend(options.userDataDir), cipher: options.cipher, clock, probe: options.probe });
  redactKeys = vault.redact;
  levelNow = () => vault.settings.get().logLevel;

  const launcher = { ...host, appExecPath: options.appExecPath, bridgeScriptPath: options.bridgeScriptPath, isPackaged: options.isPackaged, ...(options.nodePath ? { nodePath: options.nodePath } : {}) };
  const socketPath = options.socketPath ?? agentSocketPath({ ...host, username: options.username ?? safeUsername() });
  // Bridges started by assistants find the agent at the per-user default; only a non-default
  // socket (tests, development) has to travel in the entry's environment.
  const entryEnv: Record<string, string> = options.socketPath || options.env.KEYBRIDGE_AGENT_SOCKET ? { KEYBRIDGE_AGENT_SOCKET: socketPath } : {};
  const clients = new ClientsService({
    host,
    entry: { launcherPath: launcherPath(launcher), env: entryEnv },
    vault: vaultMigrationTarget(vault),
    projectsFile: path.join(options.userDataDir, 'client-projects.json'),
  });

  const ctx: AppContext = {
    options,
    now,
    log,
    hub,
    notices: createNotices(now, (list) => hub.emit('notices:changed', list), redactText),
    activity: createActivityLog(now, (event) => hub.emit('activity:event', event), redactText),
    vault,
    clients,
    agent: () => lifecycle.agent(),
    announceClients: () =>
      void clients.list().then(
        (list) => hub.emit('clients:changed', list.map(clientViewOf)),
        (error: unknown) => log('warn', String(error)),
      ),
  };
  const alerts = createAlerts(ctx, clock);
  const lifecycle = createLifecycle(ctx, alerts, { launcher, socketPath, clockNow: () => clock.now() });

  const core: AppCoreHandle = {
    socketPath,
    launcherPath: launcherPath(launcher),
    ...keysService(ctx),
    ...assistantsService(ctx),
    ...migrationService(ctx),
    ...settingsService(ctx),
    ...activityService(ctx),
    on: hub.on,
    start: lifecycle.start,
    stop: lifecycle.stop,
  };
  return redactingCore(core, redactText);
}
