// Starting and stopping the app's moving parts: KeyBridge's folders and the bridge launcher, the
// login item mirrored from the OS, the change feeds (vault, settings, assistants' files) into
// the events the window and tray follow, and the agent on the socket.
import type { ProfileView } from '../../src-shared/profile';
import { startAgent, type Agent } from '../agent';
import { writeLauncher, type LauncherInputs } from '../clients';
import { securePrivateFolders } from '../clients/private-dir';
import { removeRetiredCodeCache } from '../clients/retired-cache';
import type { Alerts } from './alerts';
import type { AppContext } from './context';

export interface Lifecycle {
  agent(): Agent | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createLifecycle(ctx: AppContext, alerts: Alerts, setup: { launcher: LauncherInputs; socketPath: string; clockNow: () => number }): Lifecycle {
  const { vault, clients, hub, activity, options, log } = ctx;
  const unsubscribes: (() => void)[] = [];
  let started = false;
  let agent: Agent | null = null;

  return {
    agent: () => agent,
    async start() {
      if (started) return;
      started = true;
      await securePrivateFolders(options.homeDir, options.platform);
      await writeLauncher(setup.launcher);
      await removeRetiredCodeCache(options.homeDir, log);
      // The OS is the truth for launch at login; the stored setting mirrors it.
      const atLogin = await options.loginItem.isEnabled();
      if (vault.settings.get().launchAtLogin !== atLogin) vault.settings.update({ launchAtLogin: atLogin });
      const onEntryRemoved = (event: { label: string; profile: string }) =>
        void activity.record('warning', event.profile, `${event.label} no longer has the KeyBridge entry for '${event.profile}' (its config was rewritten).`);
      unsubscribes.push(
        vault.subscribe((profiles: ProfileView[]) => {
          hub.emit('profiles:changed', profiles);
          alerts.grace.plan(profiles);
          ctx.announceClients();
        }),
        vault.subscribeProblems(alerts.problem),
        vault.settings.subscribe((settings) => hub.emit('settings:changed', settings)),
        clients.onStatus(() => ctx.announceClients()),
        clients.onEntryRemoved(onEntryRemoved),
      );
      for (const problem of vault.problems()) alerts.problem(problem);
      alerts.grace.plan(vault.list());
      agent = await startAgent({
        socketPath: setup.socketPath,
        credentials: vault,
        policy: async (request) => ((await alerts.approval(request)) ? 'allow' : 'deny'),
        now: setup.clockNow,
        onActivity: (event) => activity.record(event.level, event.profile, event.message),
        // Upstream diagnostics go to the app's log (redacted there with every key the vault holds).
        log: {
          warn: (m) => log('warn', m),
          info: (m) => log('info', m),
          debug: (m) => log('debug', m),
          get debugEnabled() {
            return vault.settings.get().logLevel === 'debug';
          },
        },
      });
      unsubscribes.push(
        agent.subscribe((sessions) => {
          alerts.sessionsChanged(sessions);
          hub.emit('activity:sessions-changed', sessions);
        }),
      );
      await clients.watch();
      activity.record('info', null, 'KeyBridge is listening for bridges.');
    },
    async stop() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      alerts.grace.stop();
      clients.close();
      await agent?.close();
      agent = null;
      started = false;
      vault.close();
    },
  };
}
