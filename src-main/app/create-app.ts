// The app core: composes the vault, the agent, the client installers and the probe into the
// operations the UI and the tray offer (src-main/core/types.ts), plus the activity log,
// notices, notifications and the approval prompt. Plain Node: everything Electron provides
// (the cipher, the clipboard, the browser, notifications, dialogs, the login item) is
// injected, so tests and the renderer's harness build a real core with temp dirs.
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { agentSocketPath } from '../src-shared/agent-socket-path';
import { APPROVAL_TOKEN_ENV } from '../src-shared/agent-protocol';
import type { ClientView, ScanReport, SessionView, Settings, TestConnectionResult } from '../src-shared/ipc-contract';
import type { ProfileView } from '../src-shared/profile';
import { ClientsService, clientViewOf, launcherPath, scanReportView, vaultMigrationTarget, writeLauncher } from './clients';
import { removeRetiredCodeCache } from './clients/retired-cache';
import { redact, type Redactor } from '../src-shared/redact';
import { createActivityLog } from './core/activity-log';
import { startAgent, type Agent } from './agent';
import { createApprovalPolicy, type AccessRequest, type ApprovalAnswer } from './core/approval';
import { checkKeyFor, inspectPastedKey, resolveKeySource, type ClipboardText } from './core/clipboard-keys';
import { createEventHub } from './core/event-hub';
import { isAllowedExternalUrl, isAssistantInstallLink } from './core/external-links';
import { createGraceReminders } from './core/grace-reminders';
import { createNotices } from './core/notices';
import type { LoginItem } from './core/login-item';
import { securePrivateFolders } from './core/private-dir';
import { redactingCore } from './core/redacting-core';
import type { AppCore } from './core/types';
import type { Probe } from './upstream/probe';
import { createVault, systemClock, VAULT_STORE_FILE_OPTIONS, VAULT_STORE_NAME, vaultStorePath, type Cipher, type Clock, type StoreBackend } from './vault';

export interface Notification {
  title: string;
  body: string;
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
  notify: (notification: Notification) => void;
  /** The approval prompt (a native dialog in the app). */
  askApproval: (request: AccessRequest) => Promise<ApprovalAnswer>;
  loginItem: LoginItem;
  /** The verify probe (default: a real MCP initialize + tools/list). */
  probe?: Probe;
  /** Diagnostics (already redacted). Default: nothing. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The core plus what only the shell needs. */
export interface AppCoreHandle extends AppCore {
  readonly socketPath: string;
  readonly launcherPath: string;
}

function confBackend(userDataDir: string): StoreBackend {
  return {
    path: vaultStorePath(userDataDir),
    open: () => new Conf<Record<string, unknown>>({ ...VAULT_STORE_FILE_OPTIONS, configName: VAULT_STORE_NAME, projectName: 'keybridge', cwd: userDataDir }),
  };
}

export async function createAppCore(given: AppCoreOptions): Promise<AppCoreHandle> {
  // Whatever leaves the core (notifications, diagnostics, the activity log, notices, events,
  // every action's answer and error) is redacted with every key the vault has held in this
  // process, not only vendor-shaped ones: a server may echo a custom key anywhere.
  let redactKeys: Redactor = (text) => redact(text);
  const redactText: Redactor = (text) => redactKeys(text);
  const options: AppCoreOptions = {
    ...given,
    notify: ({ title, body }) => given.notify({ title: redactText(title), body: redactText(body) }),
    log: (level, message) => given.log?.(level, redactText(message)),
  };
  const clock = options.clock ?? systemClock;
  const now = () => new Date(clock.now());
  const log = options.log ?? (() => undefined);
  const hub = createEventHub((channel, error) => log('error', `A ${channel} listener failed: ${String(error)}`), redactText);
  const notices = createNotices(now, (list) => hub.emit('notices:changed', list), redactText);
  const activity = createActivityLog(now, (event) => hub.emit('activity:event', event), redactText);
  const host = { platform: options.platform, homeDir: options.homeDir, env: { ...options.env } };

  const vault = await createVault({ backend: options.store ?? confBackend(options.userDataDir), cipher: options.cipher, clock, probe: options.probe });
  redactKeys = vault.redact;
  const launcherInputs = {
    ...host,
    appExecPath: options.appExecPath,
    bridgeScriptPath: options.bridgeScriptPath,
    isPackaged: options.isPackaged,
    ...(options.nodePath ? { nodePath: options.nodePath } : {}),
  };
  const socketPath =
    options.socketPath ?? agentSocketPath({ ...host, username: options.username ?? os.userInfo().username });
  const launcher = launcherPath(launcherInputs);
  // Bridges started by assistants find the agent at the per-user default; only a non-default
  // socket (tests, development) has to travel in the entry's environment.
  const entryEnv: Record<string, string> = options.socketPath || options.env.KEYBRIDGE_AGENT_SOCKET ? { KEYBRIDGE_AGENT_SOCKET: socketPath } : {};
  const clients = new ClientsService({
    host,
    entry: { launcherPath: launcher, env: entryEnv },
    vault: vaultMigrationTarget(vault),
    projectsFile: path.join(options.userDataDir, 'client-projects.json'),
  });

  const approval = createApprovalPolicy({
    decisions: vault.settings.decisions,
    enabled: () => vault.settings.get().approvalPrompts,
    ask: options.askApproval,
    onAsk: ({ client, profile }) => {
      activity.record('info', profile, `${client.name} asks to use '${profile}'.`);
      options.notify({ title: 'An app asks for a key', body: `${client.name} wants to use '${profile}'. Allow or deny it in KeyBridge.` });
    },
    onDecided: ({ client, profile }, allowed, how) => {
      if (how === 'prompts-off' || how === 'remembered') return;
      activity.record(allowed ? 'info' : 'warning', profile, `${client.name} was ${allowed ? 'allowed' : 'denied'} '${profile}' (${how}).`);
    },
  });

  // ---- notifications and the activity log, driven by state changes ------------------------
  // A key the vendor refused (401/403 in a bridge's status): tell the user once per profile
  // and refusal, again only after the profile worked in between.
  const rejected = new Map<string, string>();
  const onSessions = (sessions: SessionView[]) => {
    const refusals = new Map<string, SessionView>();
    const working = new Set<string>();
    for (const session of sessions) {
      const status = session.lastError?.status;
      if (session.upstream === 'ok') working.add(session.profile);
      if (session.upstream === 'failing' && (status === 401 || status === 403)) refusals.set(session.profile, session);
    }
    for (const profile of working) if (!refusals.has(profile)) rejected.delete(profile);
    for (const [profile, session] of refusals) {
      const error = session.lastError;
      if (!error) continue;
      const signature = `${error.status} ${error.message}`;
      if (rejected.get(profile) === signature) continue;
      rejected.set(profile, signature);
      const body = redact(`The vendor rejected the key for '${profile}' (${error.status} ${error.message}). Rotate or re-enter it in KeyBridge.`);
      activity.record('error', profile, `${session.client.name}: ${body}`);
      options.notify({ title: 'Key rejected', body });
    }
  };
  const grace = createGraceReminders(clock, (profile, endsAt) => {
    const body = `The old key ${profile.previous?.masked ?? ''} for '${profile.name}' stops working at ${endsAt.toLocaleTimeString()}. Roll back now if the new key is not working.`;
    activity.record('warning', profile.name, body);
    options.notify({ title: 'Grace window ending', body });
  });
  const raiseProblem = (problem: { level: 'warning' | 'error'; message: string }) => {
    notices.raise(problem.level, problem.message);
    activity.record(problem.level, null, problem.message);
    // Errors (a corrupt store moved aside, keys that no longer decrypt) also reach the desktop.
    if (problem.level === 'error') options.notify({ title: 'KeyBridge needs attention', body: problem.message });
  };

  const clientList = async (): Promise<ClientView[]> => (await clients.list()).map(clientViewOf);
  const scanReport = async (): Promise<ScanReport> => scanReportView(await clients.scanKeys());
  const settingsNow = (): Settings => vault.settings.get();
  const announceClients = () => void clientList().then((list) => hub.emit('clients:changed', list), (error) => log('warn', String(error)));

  const unsubscribes: (() => void)[] = [];
  let started = false;
  let agent: Agent | null = null;

  const core: AppCoreHandle = {
    socketPath,
    launcherPath: launcher,
    profiles: {
      list: async () => vault.list(),
      add: async ({ key, ...settings }) => {
        const raw = await resolveKeySource(key, options.clipboard);
        const view = await vault.add({ ...settings, key: checkKeyFor(raw, settings.vendor, settings.keyPrefix ?? null) }, { verify: true });
        activity.record('info', view.name, `Added '${view.name}' (${view.key?.masked ?? 'no key'}).`);
        return view;
      },
      update: (input) => vault.update(input),
      verify: async (name) => {
        const result = await vault.verify(name);
        activity.record(result.ok ? 'info' : 'error', name, result.ok ? `'${name}' verified: ${result.serverName} ${result.serverVersion}.` : result.message);
        return result;
      },
      verifyAll: () => vault.verifyAll(),
      rotate: async ({ name, key }) => {
        const current = vault.get(name);
        const raw = await resolveKeySource(key, options.clipboard);
        const view = await vault.rotate(name, checkKeyFor(raw, current.vendor, current.keyPrefix));
        activity.record('info', name, `Rotated '${name}' to ${view.key?.masked ?? 'a new key'}.`);
        return view;
      },
      rollback: async (name) => {
        const view = await vault.rollback(name);
        activity.record('warning', name, `Rolled '${name}' back to ${view.key?.masked ?? 'the previous key'}.`);
        return view;
      },
      confirmRevoked: (name) => vault.confirmRevoked(name),
      setPaused: async ({ name, paused }) => {
        const view = await vault.setPaused(name, paused);
        activity.record('info', name, `${paused ? 'Paused' : 'Resumed'} '${name}'.`);
        return view;
      },
      remove: async (name) => {
        await vault.remove(name);
        activity.record('warning', name, `Removed '${name}'. Revoke the key in the vendor's dashboard too.`);
      },
      testConnection: async (name): Promise<TestConnectionResult> => {
        vault.get(name);
        if (!agent) throw new Error('KeyBridge is still starting; try again in a moment.');
        // The bridge we start gets a one-time token instead of a prompt.
        const result = await clients.testConnection(name, { env: { [APPROVAL_TOKEN_ENV]: agent.issueToken(name) } });
        return result.ok
          ? { ok: true, serverName: result.serverName, serverVersion: result.serverVersion, toolCount: result.toolCount, roundTripMs: result.latencyMs }
          : { ok: false, message: result.message };
      },
    },
    clipboard: {
      pasteKey: async () => inspectPastedKey(await options.clipboard.readText()),
    },
    clients: {
      list: clientList,
      connect: async ({ client, projectDir, profile }) => {
        vault.get(profile);
        await clients.install({ id: client, projectDir }, profile);
        const view = clientViewOf(await clients.status({ id: client, projectDir }));
        activity.record('info', profile, `Connected ${view.label} to '${profile}'.`);
        return view;
      },
      disconnect: async ({ client, projectDir, profile }) => {
        await clients.uninstall({ id: client, projectDir }, profile);
        const view = clientViewOf(await clients.status({ id: client, projectDir }));
        activity.record('info', profile, `Disconnected ${view.label} from '${profile}'.`);
        return view;
      },
      snippet: async ({ client, projectDir, profile }) => {
        const { json, installLink } = clients.snippet({ id: client, projectDir }, profile);
        return { json, deepLink: installLink };
      },
      copySnippet: async ({ client, projectDir, profile }) => {
        await options.clipboard.writeText(clients.snippet({ id: client, projectDir }, profile).json);
      },
      // Built here from (client, profile): the window never hands main a deep link to open.
      openInstallLink: async ({ client, projectDir, profile }) => {
        vault.get(profile);
        const { installLink } = clients.snippet({ id: client, projectDir }, profile);
        if (!installLink || !isAssistantInstallLink(installLink)) throw new Error('This assistant has no install link; copy the snippet instead.');
        await options.openExternal(installLink);
        activity.record('info', profile, `Opened the ${client} install link for '${profile}'.`);
      },
      addProject: async ({ dir }) => {
        await clients.addProject(dir);
        activity.record('info', null, `Added the project folder ${dir}: its Cursor and VS Code configs are listed now.`);
        announceClients();
        return clientList();
      },
      removeProject: async ({ dir }) => {
        await clients.removeProject(dir);
        announceClients();
        return clientList();
      },
    },
    migration: {
      scan: scanReport,
      migrate: async ({ findingId, ...choice }) => {
        const result = await clients.migrate(findingId, choice);
        activity.record('info', result.profile, redact(result.message));
        announceClients();
        return { profile: result.profile ? vault.get(result.profile) : null, message: result.message };
      },
    },
    activity: {
      sessions: async () => agent?.sessions() ?? [],
      events: async () => activity.list(),
    },
    settings: {
      get: async () => settingsNow(),
      update: async (patch) => {
        if (patch.launchAtLogin !== undefined) await options.loginItem.setEnabled(patch.launchAtLogin);
        return vault.settings.update(patch);
      },
      storage: () => vault.storageStatus(),
    },
    decisions: {
      list: async () => vault.settings.decisions.list(),
      revoke: async ({ client, profile }) => {
        if (!vault.settings.decisions.find(client, profile)) throw new Error(`There is no remembered decision for ${client} and '${profile}'.`);
        vault.settings.decisions.forget(client, profile);
        activity.record('info', profile, `Forgot the decision for ${client} and '${profile}': it will be asked again.`);
      },
    },
    notices: {
      list: async () => notices.list(),
      dismiss: async (id) => notices.dismiss(id),
    },
    app: {
      openExternal: async (url) => {
        if (!isAllowedExternalUrl(url)) throw new Error('KeyBridge opens only https links to the vendors’ sites and the MCP docs.');
        await options.openExternal(url);
      },
      navigate: (target) => hub.emit('app:navigate', target),
    },
    on: hub.on,
    async start() {
      if (started) return;
      started = true;
      await securePrivateFolders(options.homeDir, options.platform);
      await writeLauncher(launcherInputs);
      await removeRetiredCodeCache(options.homeDir, log);
      // The OS is the truth for launch at login; the stored setting mirrors it.
      const atLogin = await options.loginItem.isEnabled();
      if (vault.settings.get().launchAtLogin !== atLogin) vault.settings.update({ launchAtLogin: atLogin });
      unsubscribes.push(
        vault.subscribe((profiles: ProfileView[]) => {
          hub.emit('profiles:changed', profiles);
          grace.plan(profiles);
          announceClients();
        }),
        vault.subscribeProblems(raiseProblem),
        vault.settings.subscribe((settings) => hub.emit('settings:changed', settings)),
      );
      const onClientStatus = () => announceClients();
      const onEntryRemoved = (event: { label: string; profile: string }) =>
        activity.record('warning', event.profile, `${event.label} no longer has the KeyBridge entry for '${event.profile}' (its config was rewritten).`);
      clients.on('status', onClientStatus);
      clients.on('entry-removed', onEntryRemoved);
      unsubscribes.push(() => {
        clients.off('status', onClientStatus);
        clients.off('entry-removed', onEntryRemoved);
      });
      for (const problem of vault.problems()) raiseProblem(problem);
      grace.plan(vault.list());
      agent = await startAgent({
        socketPath,
        credentials: vault,
        policy: async (request) => ((await approval(request)) ? 'allow' : 'deny'),
        now: () => clock.now(),
        onActivity: (event) => activity.record(event.level, event.profile, event.message),
        // Upstream diagnostics go to the app's log (redacted there with every key the vault holds).
        log: { warn: (m) => log('warn', m), info: (m) => log('info', m), debug: () => undefined, debugEnabled: false },
      });
      const running = agent;
      unsubscribes.push(
        running.subscribe((sessions) => {
          onSessions(sessions);
          hub.emit('activity:sessions-changed', sessions);
        }),
      );
      await clients.watch();
      activity.record('info', null, `KeyBridge is listening for bridges.`);
    },
    async stop() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      grace.stop();
      clients.close();
      await agent?.close();
      agent = null;
      started = false;
      vault.close();
    },
  };
  return redactingCore(core, redactText);
}
