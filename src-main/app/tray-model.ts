// What the tray shows, computed from the app's state (plain data, no electron): the health
// icon, a one-line tooltip and the menu. The shell turns the model into an Electron Menu and
// rebuilds it whenever profiles, sessions, clients or settings change.
import type { ClientView, SessionView, StorageStatus } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';

export type TrayHealth = 'ok' | 'failing' | 'locked';

export type TrayAction =
  | { kind: 'open' }
  | { kind: 'add-key' }
  | { kind: 'test-all' }
  | { kind: 'rotate'; profile: string }
  | { kind: 'copy-config'; client: 'claude-desktop' | 'cursor'; profile: string }
  | { kind: 'set-paused'; profile: string; paused: boolean }
  | { kind: 'launch-at-login'; enabled: boolean }
  | { kind: 'quit' };

export type TrayItem =
  | { type: 'action'; label: string; action: TrayAction; enabled?: boolean }
  | { type: 'checkbox'; label: string; checked: boolean; action: TrayAction }
  | { type: 'label'; label: string }
  | { type: 'submenu'; label: string; items: TrayItem[] }
  | { type: 'separator' };

export interface TrayState {
  profiles: ProfileView[];
  sessions: SessionView[];
  clients: ClientView[];
  storage: StorageStatus;
  launchAtLogin: boolean;
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

function stateLabel(profile: ProfileView, sessions: SessionView[]): string {
  if (profile.paused) return 'paused';
  if (profile.state === 'needs-reentry') return 'needs re-entry';
  if (profile.state === 'locked') return 'locked';
  if (profileFailing(profile, sessions)) return 'failing';
  if (profile.state === 'ok' || sessions.some((s) => s.profile === profile.name && s.upstream === 'ok')) return 'ok';
  return 'not verified';
}

/** Client apps using a profile right now (from live sessions), else the assistants configured for it. */
function clientsOf(profile: string, sessions: SessionView[], clients: ClientView[]): string[] {
  const live = [...new Set(sessions.filter((s) => s.profile === profile).map((s) => s.client.name))];
  if (live.length > 0) return live;
  return clients.filter((c) => c.state === 'connected' && c.profiles.includes(profile)).map((c) => c.label);
}

export function trayHealth(state: TrayState): TrayHealth {
  if (state.storage.mode === 'unavailable' || state.profiles.some((p) => p.state === 'locked')) return 'locked';
  return state.profiles.some((p) => profileFailing(p, state.sessions)) ? 'failing' : 'ok';
}

function tooltip(state: TrayState, health: TrayHealth): string {
  if (health === 'locked') return 'KeyBridge — locked: keys cannot be decrypted on this machine';
  const failing = state.profiles.filter((p) => profileFailing(p, state.sessions)).map((p) => `'${p.name}'`);
  if (failing.length > 0) return `KeyBridge — ${failing.join(', ')} failing`;
  const count = state.profiles.length;
  if (count === 0) return 'KeyBridge — no keys yet';
  const sessions = state.sessions.length;
  const live = sessions === 0 ? 'no bridges connected' : `${sessions} bridge${sessions === 1 ? '' : 's'} connected`;
  return `KeyBridge — ${count} key${count === 1 ? '' : 's'}, all ok, ${live}`;
}

function profileItem(profile: ProfileView, state: TrayState): TrayItem {
  const users = clientsOf(profile.name, state.sessions, state.clients);
  const summary = `${profile.name} — ${stateLabel(profile, state.sessions)}${users.length > 0 ? ` · ${users.join(', ')}` : ''}`;
  return {
    type: 'submenu',
    label: summary,
    items: [
      { type: 'action', label: `Rotate ${profile.name}…`, action: { kind: 'rotate', profile: profile.name } },
      profile.paused
        ? { type: 'action', label: `Resume ${profile.name}`, action: { kind: 'set-paused', profile: profile.name, paused: false } }
        : { type: 'action', label: `Pause ${profile.name}`, action: { kind: 'set-paused', profile: profile.name, paused: true } },
      { type: 'separator' },
      { type: 'action', label: 'Copy config for Claude Desktop', action: { kind: 'copy-config', client: 'claude-desktop', profile: profile.name } },
      { type: 'action', label: 'Copy config for Cursor', action: { kind: 'copy-config', client: 'cursor', profile: profile.name } },
    ],
  };
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
