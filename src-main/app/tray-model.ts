// What the tray shows, computed from the app's state (plain data, no electron): the health
// icon, a one-line tooltip and the menu. The shell turns the model into an Electron Menu and
// rebuilds it whenever profiles, sessions, clients or settings change (and every half minute
// while a rotation's grace window runs, for its countdown).
// Per key: its state and who uses it, Test, Re-enter when it fails, "Connect to ▸" with every
// assistant, a rotation in progress with Roll back or "Confirm old key revoked", Rotate, Pause.
import { assistantName } from '../../src-shared/assistants';
import type { ClientId, ClientView, SessionView, StorageStatus } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';

/** ok: every key works; unverified: none fails but some were never checked. */
export type TrayHealth = 'ok' | 'unverified' | 'failing' | 'locked';

export type TrayAction =
  | { kind: 'open' }
  | { kind: 'add-key' }
  | { kind: 'test-all' }
  | { kind: 'test'; profile: string }
  | { kind: 'rotate'; profile: string }
  | { kind: 'reenter'; profile: string }
  | { kind: 'rollback'; profile: string }
  | { kind: 'confirm-revoked'; profile: string }
  | { kind: 'connect'; client: ClientId; profile: string }
  | { kind: 'set-paused'; profile: string; paused: boolean }
  | { kind: 'launch-at-login'; enabled: boolean }
  | { kind: 'quit' };

export type TrayItem =
  | { type: 'action'; label: string; action: TrayAction; enabled?: boolean }
  | { type: 'checkbox'; label: string; checked: boolean; action: TrayAction; enabled?: boolean }
  | { type: 'label'; label: string }
  | { type: 'submenu'; label: string; items: TrayItem[] }
  | { type: 'separator' };

export interface TrayState {
  profiles: ProfileView[];
  sessions: SessionView[];
  clients: ClientView[];
  storage: StorageStatus;
  launchAtLogin: boolean;
  /** For the grace countdown (ms since the epoch); default: the grace windows show no minutes left. */
  now?: number;
}

export interface TrayModel {
  health: TrayHealth;
  tooltip: string;
  items: TrayItem[];
}

function profileFailing(profile: ProfileView, sessions: SessionView[]): boolean {
  if (profile.paused) return false;
  if (profile.state === 'failing' || profile.state === 'needs-reentry') return true;
  return sessions.some((s) => s.profile === profile.name && s.upstream === 'failing');
}

function profileUnverified(profile: ProfileView, sessions: SessionView[]): boolean {
  return !profile.paused && profile.state === 'unverified' && !sessions.some((s) => s.profile === profile.name && s.upstream === 'ok');
}

function stateLabel(profile: ProfileView, sessions: SessionView[]): string {
  if (profile.paused) return 'paused';
  if (profile.state === 'needs-reentry') return 'needs re-entry';
  if (profile.state === 'locked') return 'locked';
  if (profileFailing(profile, sessions)) return 'failing';
  if (profileUnverified(profile, sessions)) return 'not verified yet';
  return 'working';
}

/** Assistants using a key right now (from live sessions), else those configured for it. */
function assistantsOf(profile: string, sessions: SessionView[], clients: ClientView[]): string[] {
  const live = [...new Set(sessions.filter((s) => s.profile === profile).map((s) => assistantName(s.client.name)))];
  if (live.length > 0) return live.map((name) => `${name} (in use)`);
  return clients.filter((c) => c.state === 'connected' && c.profiles.includes(profile)).map((c) => c.label);
}

export function trayHealth(state: TrayState): TrayHealth {
  if (state.storage.mode === 'unavailable' || state.profiles.some((p) => p.state === 'locked')) return 'locked';
  if (state.profiles.some((p) => profileFailing(p, state.sessions))) return 'failing';
  return state.profiles.some((p) => profileUnverified(p, state.sessions)) ? 'unverified' : 'ok';
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

function tooltip(state: TrayState, health: TrayHealth): string {
  if (health === 'locked') return 'KeyBridge — locked: keys cannot be decrypted on this machine';
  const count = state.profiles.length;
  if (count === 0) return 'KeyBridge — no keys yet';
  const failing = state.profiles.filter((p) => profileFailing(p, state.sessions)).length;
  if (failing > 0) return `KeyBridge — ${plural(failing, 'key', 'keys')} failing`;
  const unverified = state.profiles.filter((p) => profileUnverified(p, state.sessions)).length;
  if (unverified > 0) return `KeyBridge — ${plural(unverified, 'key', 'keys')} not verified yet`;
  const inUse = new Set(state.sessions.map((s) => s.profile)).size;
  const working = state.profiles.filter((p) => !p.paused).length;
  return `KeyBridge — ${plural(working, 'key', 'keys')} working${inUse > 0 ? `, ${inUse} in use` : ''}`;
}

function clockTime(iso: string): string {
  return new Date(Date.parse(iso)).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

/** The rotation in progress, with its one action: Roll back during the grace window, or confirm
 * that the old UptimeObserver key was revoked (main checks that the vendor now refuses it). */
function rotationItems(profile: ProfileView, now: number | undefined): TrayItem[] {
  const previous = profile.previous;
  if (!previous) return [];
  if (previous.fate === 'grace' && previous.graceEndsAt) {
    const left = now === undefined ? null : Math.max(0, Math.ceil((Date.parse(previous.graceEndsAt) - now) / 60_000));
    if (left === 0) return [];
    return [
      { type: 'label', label: `Rotation: old key works until ${clockTime(previous.graceEndsAt)}${left === null ? '' : ` (${left} min left)`}` },
      { type: 'action', label: `Roll back to ${previous.masked}`, action: { kind: 'rollback', profile: profile.name } },
      { type: 'separator' },
    ];
  }
  return [
    { type: 'label', label: `Rotation: revoke the old key ${previous.masked} in the dashboard` },
    { type: 'action', label: 'Confirm old key revoked', action: { kind: 'confirm-revoked', profile: profile.name } },
    { type: 'separator' },
  ];
}

/** Every assistant KeyBridge can connect (the global ones), checked where this key is in its config. */
function connectItems(profile: string, clients: ClientView[]): TrayItem[] {
  const global = clients.filter((c) => c.projectDir === null);
  if (global.length === 0) return [{ type: 'label', label: 'No assistant known' }];
  return global.map((client): TrayItem => {
    const connected = client.profiles.includes(profile);
    const present = client.state !== 'not-present';
    const label = present || connected ? client.label : `${client.label} (not found)`;
    return { type: 'checkbox', label, checked: connected, enabled: present && !connected, action: { kind: 'connect', client: client.id, profile } };
  });
}

function profileItem(profile: ProfileView, state: TrayState): TrayItem {
  const users = assistantsOf(profile.name, state.sessions, state.clients);
  const summary = `${profile.name} — ${stateLabel(profile, state.sessions)}${users.length > 0 ? ` · ${users.join(', ')}` : ''}`;
  const needsKey = profile.state === 'needs-reentry' || (profile.state === 'failing' && !profile.paused);
  return {
    type: 'submenu',
    label: summary,
    items: [
      ...rotationItems(profile, state.now),
      { type: 'action', label: 'Test', action: { kind: 'test', profile: profile.name }, enabled: profile.key !== null },
      ...(needsKey ? [{ type: 'action' as const, label: 'Re-enter key…', action: { kind: 'reenter' as const, profile: profile.name } }] : []),
      { type: 'submenu', label: 'Connect to', items: connectItems(profile.name, state.clients) },
      { type: 'separator' },
      { type: 'action', label: 'Rotate…', action: { kind: 'rotate', profile: profile.name } },
      profile.paused
        ? { type: 'action', label: 'Resume', action: { kind: 'set-paused', profile: profile.name, paused: false } }
        : { type: 'action', label: 'Pause', action: { kind: 'set-paused', profile: profile.name, paused: true } },
    ],
  };
}

/** Whether the menu shows a countdown that the shell must refresh. */
export function trayNeedsTicking(state: Pick<TrayState, 'profiles'>): boolean {
  return state.profiles.some((p) => p.previous?.fate === 'grace' && p.previous.graceEndsAt !== null);
}

export function trayModel(state: TrayState): TrayModel {
  const health = trayHealth(state);
  const profiles: TrayItem[] =
    state.profiles.length > 0 ? state.profiles.map((p) => profileItem(p, state)) : [{ type: 'label', label: 'No keys yet' }];
  const locked: TrayItem[] = health === 'locked' ? [{ type: 'label', label: 'Locked: the system keychain is not available' }, { type: 'separator' }] : [];
  return {
    health,
    tooltip: tooltip(state, health),
    items: [
      ...locked,
      { type: 'action', label: 'Open KeyBridge', action: { kind: 'open' } },
      { type: 'separator' },
      ...profiles,
      { type: 'separator' },
      { type: 'action', label: 'Add key…', action: { kind: 'add-key' } },
      { type: 'action', label: 'Test all keys', action: { kind: 'test-all' }, enabled: state.profiles.length > 0 },
      { type: 'separator' },
      { type: 'checkbox', label: 'Launch at login', checked: state.launchAtLogin, action: { kind: 'launch-at-login', enabled: !state.launchAtLogin } },
      { type: 'action', label: 'Quit KeyBridge', action: { kind: 'quit' } },
    ],
  };
}
