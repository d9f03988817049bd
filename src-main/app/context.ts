// What every app service is built from: the lower layers (vault, clients, the running agent),
// the app's own records (activity log, notices, events) and what the shell injects. Made once
// by the composition root (create-app.ts).
import type { Agent } from '../agent';
import type { ClientsService } from '../clients';
import type { Vault } from '../vault';
import type { ActivityLog } from './activity-log';
import type { EventHub } from './event-hub';
import type { Notices } from './notices';
import type { AppCoreOptions } from './options';

export interface AppContext {
  /** The shell's injections, notify and log already redacting. */
  options: AppCoreOptions;
  now: () => Date;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  hub: EventHub;
  notices: Notices;
  activity: ActivityLog;
  vault: Vault;
  clients: ClientsService;
  /** The agent once started (null before start and after stop). */
  agent: () => Agent | null;
  /** Tells the window and the tray that the assistants' states may have changed. */
  announceClients: () => void;
}
