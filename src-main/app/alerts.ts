// When KeyBridge speaks up on its own: the approval prompt's notice and record, a key the
// vendor refused (once per profile and refusal, again only after it worked in between), a
// grace window about to end, and problems the vault found (a store moved aside, a key that no
// longer decrypts). Each goes to the activity log, and what needs the user to the desktop.
import { assistantName } from '../../src-shared/assistants';
import type { SessionView } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';
import type { Clock, VaultProblem } from '../vault';
import { createApprovalPolicy, type AccessRequest, type ApprovalPolicy } from './approval';
import type { AppContext } from './context';
import { createGraceReminders, type GraceReminders } from './grace-reminders';

export interface Alerts {
  approval: ApprovalPolicy;
  grace: GraceReminders;
  sessionsChanged(sessions: SessionView[]): void;
  problem(problem: Pick<VaultProblem, 'level' | 'message' | 'file'>): void;
}

/** Paths in the user's home folder written as ~/…, the way people read them. */
export function homeAsTilde(text: string, homeDir: string): string {
  const home = homeDir.replace(/[\\/]+$/, '');
  return home.length > 1 ? text.split(home + '/').join('~/').split(home + '\\').join('~\\') : text;
}

export function createAlerts(ctx: AppContext, clock: Clock): Alerts {
  const { vault, activity, notices, options } = ctx;
  const approval = createApprovalPolicy({
    decisions: vault.settings.decisions,
    enabled: () => vault.settings.get().approvalPrompts,
    ask: options.askApproval,
    onAsk: ({ client, profile }: AccessRequest) => {
      activity.record('info', profile, `${client.name} asks to use '${profile}'.`);
      options.notify({ title: 'An app asks for a key', body: `${client.name} wants to use '${profile}'. Allow or deny it in KeyBridge.` });
    },
    onDecided: ({ client, profile }, allowed, how) => {
      if (how === 'prompts-off' || how === 'remembered') return;
      if (how === 'connected-in-keybridge') {
        activity.record('info', profile, `${client.name} may use '${profile}': you connected it. Its program is remembered (Settings → Approvals).`);
        return;
      }
      activity.record(allowed ? 'info' : 'warning', profile, `${client.name} was ${allowed ? 'allowed' : 'denied'} '${profile}' (${how}).`);
    },
  });

  /** profile → the refusal last told ("401 invalid credentials"). */
  const told = new Map<string, string>();
  const sessionsChanged = (sessions: SessionView[]) => {
    const refusals = new Map<string, SessionView>();
    const working = new Set<string>();
    for (const session of sessions) {
      const status = session.lastError?.status;
      if (session.upstream === 'ok') working.add(session.profile);
      if (session.upstream === 'failing' && (status === 401 || status === 403)) refusals.set(session.profile, session);
    }
    for (const profile of working) if (!refusals.has(profile)) told.delete(profile);
    for (const [profile, session] of refusals) {
      const error = session.lastError;
      if (!error) continue;
      const signature = `${error.status} ${error.message}`;
      if (told.get(profile) === signature) continue;
      told.set(profile, signature);
      const body = `The vendor rejected the key for '${profile}' (${signature}). Re-enter it or rotate it in KeyBridge.`;
      activity.record('error', profile, `${assistantName(session.client.name)}: the vendor rejected the key for '${profile}' (${signature}).`);
      // Clicking it opens the fix: the key's Re-enter dialog.
      options.notify({ title: 'Key rejected', body, open: { screen: 'keys', action: 'reenter', profile } });
    }
  };

  const grace = createGraceReminders(clock, (profile: ProfileView, endsAt: Date) => {
    const body = `The old key ${profile.previous?.masked ?? ''} for '${profile.name}' stops working at ${endsAt.toLocaleTimeString()}. Roll back now if the new key is not working.`;
    activity.record('warning', profile.name, body);
    options.notify({ title: 'Grace window ending', body, open: { screen: 'keys', action: null, profile: profile.name } });
  });

  const problem = ({ level, message: raw, file }: Pick<VaultProblem, 'level' | 'message' | 'file'>) => {
    const message = homeAsTilde(raw, options.homeDir);
    notices.raise(level, message, file);
    activity.record(level, null, message);
    // Errors (a corrupt store moved aside, keys that no longer decrypt) also reach the desktop.
    if (level === 'error') options.notify({ title: 'KeyBridge needs attention', body: message, open: { screen: 'keys', action: null, profile: null } });
  };

  return { approval, grace, sessionsChanged, problem };
}
