// The Keys screen's states: loading, main's error with retry, empty, and each key state the
// way a person reads it (failing with the vendor's words, needs re-entry, locked, previous key
// in grace). window.keybridge is the app's own preload API over an in-memory test double of
// main (fake-main.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src-renderer/components/App';
import type { ProfileView } from '../../src-shared/profile';
import { fail, installFakeMain, ok, polyfillDialog, profileView, type FakeMain } from './fake-main';

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

  it('invites to add the first key when there is none', async () => {
    render(<App />);
    expect(await screen.findByText('No keys yet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add your first key' })).toBeTruthy();
  });

  it('reads each key state in words, with the vendor message and the previous key in grace', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: Date.parse('2026-11-23T10:00:00.000Z') });
    const failing: ProfileView = profileView({
      name: 'mcp-claude',
      state: 'failing',
      lastCheck: { ok: false, status: 403, message: 'UptimeObserver refused the key: API key revoked (403).', at: '2026-11-23T09:59:00.000Z' },
    });
    const profiles = [
      failing,
      profileView({ name: 'mcp-cursor', state: 'needs-reentry' }),
      profileView({ name: 'local-dev', state: 'locked' }),
      profileView({
        name: 'ci-prod',
        vendor: 'uptimemonitoring',
        key: { masked: 'umk_live_…0c0d', fingerprint: 'sha256:00000002' },
        previous: { masked: 'umk_live_…3a2b', fingerprint: 'sha256:00000001', fate: 'grace', graceEndsAt: '2026-11-23T10:03:30.000Z', rotatedAt: '2026-11-23T09:58:30.000Z' },
      }),
    ];
    main.answer('profiles:list', () => ok(profiles));
    main.answer('clients:list', () =>
      ok([{ id: 'claude-desktop', label: 'Claude Desktop', configPath: '/c.json', state: 'connected', profiles: ['mcp-claude'], plaintextKeys: 0, error: null }]),
    );
    render(<App />);

    const claude = within(await screen.findByRole('article', { name: 'mcp-claude' }));
    expect(claude.getByText('Failing')).toBeTruthy();
    expect(claude.getByText('UptimeObserver refused the key: API key revoked (403).')).toBeTruthy();
    expect(claude.getByText('Claude Desktop')).toBeTruthy();
    const cursor = within(screen.getByRole('article', { name: 'mcp-cursor' }));
    expect(cursor.getByText('Needs re-entry')).toBeTruthy();
    expect(cursor.getByText(/Enter it again with Rotate/)).toBeTruthy();
    expect(cursor.getByText('no assistant yet')).toBeTruthy();
    expect(within(screen.getByRole('article', { name: 'local-dev' })).getByText('Locked')).toBeTruthy();
    const ci = within(screen.getByRole('article', { name: 'ci-prod' }));
    expect(ci.getByText(/in grace for/).textContent).toBe('Previous key umk_live_…3a2b in grace for 3:30. Roll back…');
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
