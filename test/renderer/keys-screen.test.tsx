// The Keys screen's states: loading, main's error with retry, the first run, each failing state
// with its one fix, the one-line status with live relative times, and a rotation in progress. window.keybridge is the app's own preload API over an in-memory test double of
// main (fake-main.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src-renderer/components/App';
import { clientView, fail, installFakeMain, ok, polyfillDialog, profileView, sessionView, type FakeMain } from './fake-main';

let main: FakeMain;

beforeEach(() => {
  polyfillDialog();
  main = installFakeMain();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('Keys screen', () => {
  it("shows loading, then main's error with a retry that recovers", async () => {
    let attempts = 0;
    let release: () => void = () => undefined;
    main.answer('profiles:list', () => {
      attempts += 1;
      if (attempts === 1) return new Promise((resolve) => (release = () => resolve(fail('The store is locked by another KeyBridge.'))));
      return ok([profileView({ name: 'mcp-claude' })]);
    });
    const user = userEvent.setup();
    render(<App />);
    expect(screen.getByRole('status').textContent).toBe('Loading keys…');
    release();
    expect((await screen.findByRole('alert')).textContent).toContain('The store is locked by another KeyBridge.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('article', { name: 'mcp-claude' })).toBeTruthy();
  });

  it('starts a first run with three steps, the keys found in configs first, and a link to get a key', async () => {
    main.answer('clients:list', () =>
      ok([
        clientView({ id: 'cursor', label: 'Cursor', configPath: '/home/u/.cursor/mcp.json', plaintextKeys: 1 }),
        clientView({ id: 'claude-desktop', label: 'Claude Desktop', configPath: '/home/u/.config/Claude/claude_desktop_config.json' }),
      ]),
    );
    const user = userEvent.setup();
    render(<App />);
    expect(await screen.findByRole('heading', { level: 2, name: 'Welcome to KeyBridge' })).toBeTruthy();
    const found = within(await screen.findByRole('group', { name: 'Keys found in Cursor' }));
    expect(found.getByText("1 key found in Cursor's config")).toBeTruthy();
    const steps = screen.getAllByRole('listitem').map((item) => item.querySelector('h3')?.textContent);
    expect(steps).toEqual(['1Add a key', '2Connect an assistant', '3See it working']);
    expect(screen.getByText(/Found on this computer: Cursor, Claude Desktop/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Get a key from UptimeObserver' }));
    expect(main.callsTo('app:open-external')).toEqual([['https://app.uptimeobserver.com/integrations/mcp']]);
    await user.click(found.getByRole('button', { name: 'Move into KeyBridge' }));
    expect(await screen.findByRole('dialog', { name: /Cursor/ })).toBeTruthy();
  });

  it('gives each failing state one message and one fix, and the status in one line', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: Date.parse('2026-11-23T10:00:00.000Z') });
    const profiles = [
      profileView({
        name: 'mcp-claude',
        state: 'failing',
        lastCheck: { ok: false, status: 403, message: 'UptimeObserver refused the key: API key revoked (403).', at: '2026-11-23T09:59:00.000Z' },
        warnings: ['A warning that must not pile up.'],
      }),
      profileView({ name: 'mcp-cursor', state: 'needs-reentry' }),
      profileView({ name: 'local-dev', state: 'locked' }),
      profileView({ name: 'ci-prod', paused: true }),
      profileView({
        name: 'proxy-dev',
        state: 'failing',
        lastCheck: { ok: false, status: null, message: 'could not reach https://mcp.uptimeobserver.com/mcp (ECONNREFUSED).', at: '2026-11-23T09:59:00.000Z' },
      }),
      profileView({ name: 'mcp-vscode', lastVerifiedAt: '2026-11-23T09:57:00.000Z', lastUsedAt: '2026-11-23T09:58:00.000Z' }),
    ];
    main.answer('profiles:list', () => ok(profiles));
    main.answer('clients:list', () => ok([clientView({ id: 'claude-desktop', label: 'Claude Desktop', state: 'connected', profiles: ['mcp-claude', 'mcp-vscode'] })]));
    main.answer('activity:sessions', () => ok([sessionView({ profile: 'mcp-vscode', client: { name: 'claude-ai', pid: 7 }, lastRequestAt: '2026-11-23T09:58:00.000Z' })]));
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    render(<App />);

    const claude = within(await screen.findByRole('article', { name: 'mcp-claude' }));
    expect(claude.getByRole('alert').textContent).toBe('UptimeObserver refused the key: API key revoked (403). Enter the key again, or a new one if it was revoked.Re-enter key');
    expect(claude.queryByText('A warning that must not pile up.')?.closest('details')?.open).toBe(false);
    expect(within(screen.getByRole('article', { name: 'mcp-cursor' })).getByRole('button', { name: 'Re-enter key' })).toBeTruthy();
    expect(within(screen.getByRole('article', { name: 'local-dev' })).getByRole('button', { name: 'Unlock keychain' })).toBeTruthy();
    expect(within(screen.getByRole('article', { name: 'ci-prod' })).getAllByRole('button', { name: 'Resume' })).toHaveLength(2);
    expect(within(screen.getByRole('article', { name: 'proxy-dev' })).getByRole('button', { name: 'Check proxy settings' })).toBeTruthy();

    const vscode = within(screen.getByRole('article', { name: 'mcp-vscode' }));
    expect(vscode.getByText('Working · verified 3 min ago · used by Claude Desktop 2 min ago')).toBeTruthy();
    expect(vscode.getByText('In use · 2 min ago')).toBeTruthy();
    // Relative times move on while the window is open.
    await act(async () => {
      vi.advanceTimersByTime(60_000);
    });
    expect(vscode.getByText('Working · verified 4 min ago · used by Claude Desktop 3 min ago')).toBeTruthy();

    await user.click(claude.getByRole('button', { name: 'Re-enter key' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Re-enter mcp-claude' }));
    expect(dialog.queryByText(/Create a new key/)).toBeNull();
    expect(document.activeElement).toBe(dialog.getByLabelText('API key'));
  });

  it('shows a rotation in progress once, in local time, with the new key\'s health and a plain Roll back', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: Date.parse('2026-11-23T10:00:00.000Z') });
    const profile = profileView({
      name: 'ci-prod',
      vendor: 'uptimemonitoring',
      key: { masked: 'umk_live_…0c0d', fingerprint: 'sha256:00000002' },
      lastCheck: { ok: true, serverName: 'um', serverVersion: '1', toolCount: 3, latencyMs: 40, at: '2026-11-23T09:58:31.000Z' },
      previous: { masked: 'umk_live_…3a2b', fingerprint: 'sha256:00000001', fate: 'grace', graceEndsAt: '2026-11-23T10:03:30.000Z', rotatedAt: '2026-11-23T09:58:30.000Z' },
      warnings: ['The old key umk_live_…3a2b stays valid at UptimeMonitoring until 2026-11-23T10:03:30.000Z (grace window).'],
    });
    main.answer('profiles:list', () => ok([profile]));
    main.answer('activity:sessions', () => ok([sessionView({ profile: 'ci-prod' })]));
    main.answer('profiles:rollback', () => ok({ ...profile, previous: null }));
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    render(<App />);
    const rotation = within(await screen.findByRole('group', { name: 'Rotation in progress' }));
    const until = new Date('2026-11-23T10:03:30.000Z').toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
    expect(rotation.getByText(/keeps working until/).textContent).toBe(`The old key umk_live_…3a2b keeps working until ${until} (3:30 left).`);
    const health = within(rotation.getByRole('list', { name: 'New key health' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(health[0]).toMatch(/New key umk_live_…0c0d verified at/);
    expect(health[1]).toContain('1 live session uses the new key');
    expect(health[2]).toContain('No errors since the switch');
    expect(screen.queryByText(/2026-11-23T10:03:30/)).toBeNull();
    const rollBack = rotation.getByRole('button', { name: 'Roll back' });
    expect(rollBack.className).not.toContain('danger');
    await user.click(rollBack);
    expect(main.callsTo('profiles:rollback')).toEqual([['ci-prod']]);
  });

  it("shows a connection test's result: server, version, tools, round trip", async () => {
    main.answer('profiles:list', () => ok([profileView({ name: 'mcp-claude' })]));
    main.answer('profiles:test-connection', () => ok({ ok: true, serverName: 'uptimeobserver-mcp', serverVersion: '2.1.0', toolCount: 12, roundTripMs: 183.4 }));
    const user = userEvent.setup();
    render(<App />);
    const card = within(await screen.findByRole('article', { name: 'mcp-claude' }));
    await user.click(card.getByRole('button', { name: 'Test connection' }));
    expect((await card.findByRole('status')).textContent).toBe('Connected to uptimeobserver-mcp 2.1.0 · 12 tools · 183 ms round trip');
  });
});
