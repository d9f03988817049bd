// The tray's model from plain state: health, tooltip and menu.
import { describe, expect, it } from 'vitest';
import type { SessionView, StorageStatus } from '../../../src-shared/ipc-contract';
import type { ProfileView } from '../../../src-shared/profile';
import { trayModel, type TrayItem, type TrayState } from '../../../src-main/app/tray-model';

const keychain: StorageStatus = { mode: 'keychain', backend: null, explanation: '' };
const profile = (name: string, over: Partial<ProfileView> = {}): ProfileView => ({
  name,
  vendor: 'uptimeobserver',
  endpoint: 'https://mcp.uptimeobserver.com/mcp',
  auth: 'x-api-key',
  keyPrefix: null,
  note: '',
  key: { masked: 'uo_…abcd', fingerprint: 'sha256:00000000' },
  state: 'ok',
  paused: false,
  lastCheck: null,
  addedAt: '2026-11-23T10:00:00.000Z',
  lastVerifiedAt: null,
  lastUsedAt: null,
  previous: null,
  warnings: [],
  ...over,
});
const session = (profileName: string, client: string, upstream: SessionView['upstream']): SessionView => ({
  id: `${client}-${profileName}`,
  profile: profileName,
  client: { name: client, pid: 1 },
  since: '2026-11-23T10:00:00.000Z',
  upstream,
  requests: 1,
  errors: 0,
  lastError: null,
});
const state = (over: Partial<TrayState>): TrayState => ({ profiles: [], sessions: [], clients: [], storage: keychain, launchAtLogin: false, ...over });
const labels = (items: TrayItem[]): string[] => items.flatMap((i) => ('label' in i ? [i.label, ...(i.type === 'submenu' ? labels(i.items) : [])] : []));

describe('trayModel', () => {
  it('with no keys: ok, says so, and cannot test', () => {
    const model = trayModel(state({}));
    expect(model.health).toBe('ok');
    expect(model.tooltip).toBe('KeyBridge — no keys yet');
    expect(model.items).toContainEqual({ type: 'label', label: 'No keys yet' });
    expect(model.items).toContainEqual({ type: 'action', label: 'Test all keys', action: { kind: 'test-all' }, enabled: false });
  });

  it('lists each profile with its state and the clients using it (live, else configured)', () => {
    const model = trayModel(
      state({
        profiles: [profile('mcp-claude'), profile('mcp-cursor', { state: 'unverified' }), profile('ci', { paused: true })],
        sessions: [session('mcp-claude', 'Claude', 'ok'), session('mcp-claude', 'Cursor', 'ok')],
        clients: [{ id: 'cursor', projectDir: null, label: 'Cursor', configPath: '/x', state: 'connected', profiles: ['mcp-cursor'], plaintextKeys: 0, plaintextBackups: 0, error: null, problems: [] }],
      }),
    );
    expect(labels(model.items)).toEqual(expect.arrayContaining(['mcp-claude — ok · Claude, Cursor', 'mcp-cursor — not verified · Cursor', 'ci — paused', 'Resume ci', 'Pause mcp-claude']));
    expect(model.tooltip).toBe('KeyBridge — 3 keys, all ok, 2 bridges connected');
  });

  it('failing when a profile failed verification or a bridge reports failing upstream; paused profiles do not count', () => {
    expect(trayModel(state({ profiles: [profile('a', { state: 'failing' })] })).health).toBe('failing');
    expect(trayModel(state({ profiles: [profile('a', { state: 'needs-reentry' })] })).health).toBe('failing');
    const live = trayModel(state({ profiles: [profile('a'), profile('b')], sessions: [session('b', 'Claude', 'failing')] }));
    expect(live).toMatchObject({ health: 'failing', tooltip: "KeyBridge — 'b' failing" });
    expect(trayModel(state({ profiles: [profile('a', { state: 'failing', paused: true })] })).health).toBe('ok');
  });

  it('locked when keys cannot be decrypted, whatever else, and the menu says so first', () => {
    const model = trayModel(state({ storage: { mode: 'unavailable', backend: 'basic_text', explanation: '' }, profiles: [profile('a', { state: 'failing' })] }));
    expect(model.health).toBe('locked');
    expect(model.items[0]).toEqual({ type: 'label', label: 'Locked: the system keychain is not available' });
    expect(trayModel(state({})).items[0]).toMatchObject({ label: 'Open KeyBridge' });
    expect(trayModel(state({ profiles: [profile('a', { state: 'locked' })] })).health).toBe('locked');
  });

  it('the launch-at-login checkbox toggles to the other state', () => {
    expect(trayModel(state({ launchAtLogin: true })).items).toContainEqual({ type: 'checkbox', label: 'Launch at login', checked: true, action: { kind: 'launch-at-login', enabled: false } });
  });
});
