// The tray's model from plain state: health, tooltip and menu.
import { describe, expect, it } from 'vitest';
import type { ClientView, SessionView, StorageStatus } from '../../../src-shared/ipc-contract';
import type { ProfileView } from '../../../src-shared/profile';
import { trayModel, trayNeedsTicking, type TrayItem, type TrayState } from '../../../src-main/app/tray-model';

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
const client = (id: ClientView['id'], label: string, over: Partial<ClientView> = {}): ClientView => ({
  id,
  projectDir: null,
  label,
  configPath: `/home/u/${id}.json`,
  state: 'not-connected',
  profiles: [],
  plaintextKeys: 0,
  plaintextBackups: 0,
  error: null,
  problems: [],
  ...over,
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

  it('lists each key with its state and the assistants using it (live, else configured)', () => {
    const model = trayModel(
      state({
        profiles: [profile('mcp-claude'), profile('mcp-cursor', { state: 'unverified' }), profile('ci', { paused: true })],
        sessions: [session('mcp-claude', 'claude-ai', 'ok'), session('mcp-claude', 'Cursor', 'ok')],
        clients: [client('cursor', 'Cursor', { state: 'connected', profiles: ['mcp-cursor'] })],
      }),
    );
    expect(labels(model.items)).toEqual(
      expect.arrayContaining(['mcp-claude — working · Claude Desktop (in use), Cursor (in use)', 'mcp-cursor — not verified yet · Cursor', 'ci — paused', 'Resume', 'Pause', 'Test']),
    );
  });

  it('says "not verified yet" in the tooltip and icon, never "all ok", while keys are unchecked', () => {
    const unchecked = trayModel(state({ profiles: [profile('a', { state: 'unverified' }), profile('b', { state: 'unverified' }), profile('c')] }));
    expect(unchecked).toMatchObject({ health: 'unverified', tooltip: 'KeyBridge — 2 keys not verified yet' });
    // A key a live session uses successfully is not "unverified".
    expect(trayModel(state({ profiles: [profile('a', { state: 'unverified' })], sessions: [session('a', 'Cursor', 'ok')] })).health).toBe('ok');
    expect(trayModel(state({ profiles: [profile('a'), profile('b')], sessions: [session('a', 'Cursor', 'ok')] })).tooltip).toBe('KeyBridge — 2 keys working, 1 in use');
  });

  it('failing when a key failed verification or a session reports failing; paused keys do not count; "1 key failing"', () => {
    expect(trayModel(state({ profiles: [profile('a', { state: 'failing' })] })).health).toBe('failing');
    expect(trayModel(state({ profiles: [profile('a', { state: 'needs-reentry' })] })).health).toBe('failing');
    const live = trayModel(state({ profiles: [profile('a'), profile('b')], sessions: [session('b', 'Claude', 'failing')] }));
    expect(live).toMatchObject({ health: 'failing', tooltip: 'KeyBridge — 1 key failing' });
    expect(trayModel(state({ profiles: [profile('a', { state: 'failing', paused: true })] })).health).toBe('ok');
    // A failing key offers Re-enter key.
    expect(labels(trayModel(state({ profiles: [profile('a', { state: 'failing' })] })).items)).toContain('Re-enter key…');
  });

  it('per key: Test, and "Connect to" every assistant, checked where connected, disabled where not found', () => {
    const model = trayModel(
      state({
        profiles: [profile('mcp-claude')],
        clients: [
          client('claude-desktop', 'Claude Desktop', { state: 'connected', profiles: ['mcp-claude'] }),
          client('claude-code', 'Claude Code', { state: 'not-present' }),
          client('cursor', 'Cursor'),
          client('vscode', 'VS Code'),
          client('windsurf', 'Windsurf'),
          client('vscode-project', 'VS Code (shop)', { projectDir: '/home/u/shop' }),
        ],
      }),
    );
    const key = model.items.find((i) => i.type === 'submenu' && i.label.startsWith('mcp-claude'));
    if (key?.type !== 'submenu') throw new Error('no key submenu');
    expect(key.items).toContainEqual({ type: 'action', label: 'Test', action: { kind: 'test', profile: 'mcp-claude' }, enabled: true });
    const connect = key.items.find((i) => i.type === 'submenu' && i.label === 'Connect to');
    if (connect?.type !== 'submenu') throw new Error('no Connect to');
    expect(connect.items).toEqual([
      { type: 'checkbox', label: 'Claude Desktop', checked: true, enabled: false, action: { kind: 'connect', client: 'claude-desktop', profile: 'mcp-claude' } },
      { type: 'checkbox', label: 'Claude Code (not found)', checked: false, enabled: false, action: { kind: 'connect', client: 'claude-code', profile: 'mcp-claude' } },
      { type: 'checkbox', label: 'Cursor', checked: false, enabled: true, action: { kind: 'connect', client: 'cursor', profile: 'mcp-claude' } },
      { type: 'checkbox', label: 'VS Code', checked: false, enabled: true, action: { kind: 'connect', client: 'vscode', profile: 'mcp-claude' } },
      { type: 'checkbox', label: 'Windsurf', checked: false, enabled: true, action: { kind: 'connect', client: 'windsurf', profile: 'mcp-claude' } },
    ]);
    expect(JSON.stringify(model)).not.toMatch(/copy-config|Copy config/);
  });

  it('a rotation in progress: the grace countdown with Roll back, or "Confirm old key revoked"', () => {
    const now = Date.parse('2026-11-23T10:00:00.000Z');
    const grace = profile('ci', {
      vendor: 'uptimemonitoring',
      previous: { masked: 'umk_live_…3a2b', fingerprint: 'sha256:1', fate: 'grace', graceEndsAt: '2026-11-23T10:03:30.000Z', rotatedAt: '2026-11-23T09:58:30.000Z' },
    });
    const until = new Date('2026-11-23T10:03:30.000Z').toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
    expect(labels(trayModel(state({ profiles: [grace], now })).items)).toEqual(expect.arrayContaining([`Rotation: old key works until ${until} (4 min left)`, 'Roll back to umk_live_…3a2b']));
    expect(labels(trayModel(state({ profiles: [grace], now: now + 4 * 60_000 })).items).join()).not.toContain('Roll back');
    expect(trayNeedsTicking({ profiles: [grace] })).toBe(true);
    const revoke = profile('mcp', { previous: { masked: 'uo_…1a2b', fingerprint: 'sha256:1', fate: 'until-revoked', graceEndsAt: null, rotatedAt: '2026-11-23T09:58:30.000Z' } });
    const items = trayModel(state({ profiles: [revoke], now })).items;
    expect(labels(items)).toEqual(expect.arrayContaining(['Rotation: revoke the old key uo_…1a2b in the dashboard', 'Confirm old key revoked']));
    expect(trayNeedsTicking({ profiles: [revoke] })).toBe(false);
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
