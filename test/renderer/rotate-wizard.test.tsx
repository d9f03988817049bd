// The rotate wizard's two vendor endings (UptimeObserver's revoke reminder, UptimeMonitoring's
// 5-minute grace countdown with roll back). window.keybridge is the app's own preload API over
// an in-memory test double of main (fake-main.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src-renderer/components/App';
import type { ProfileView } from '../../src-shared/profile';
import { installFakeMain, ok, polyfillDialog, profileView, type FakeMain } from './fake-main';

const NEW_UO_KEY = 'uo_test_new_7c1d9e2f4a6b8c0d';
const NEW_UM_KEY = 'umk_live_test_new_5e6f7a8b9c0d';

let main: FakeMain;

beforeEach(() => {
  polyfillDialog();
  main = installFakeMain();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function openRotate(profile: ProfileView) {
  main.answer('profiles:list', () => ok([profile]));
  const user = userEvent.setup();
  render(<App />);
  await user.click(await screen.findByRole('button', { name: 'Rotate…' }));
  const dialog = within(await screen.findByRole('dialog', { name: `Rotate ${profile.name}` }));
  return { user, dialog };
}

describe('Rotate wizard', () => {
  it('UptimeObserver: switches, then reminds to revoke the old key until the user confirms', async () => {
    const before = profileView({ name: 'mcp-claude', key: { masked: 'uo_…1a2b', fingerprint: 'sha256:00000001' } });
    const rotated = profileView({
      name: 'mcp-claude',
      key: { masked: 'uo_…0c0d', fingerprint: 'sha256:00000002' },
      previous: { masked: 'uo_…1a2b', fingerprint: 'sha256:00000001', fate: 'until-revoked', graceEndsAt: null, rotatedAt: '2026-11-23T10:00:00.000Z' },
    });
    main.answer('profiles:rotate', () => ok(rotated));
    main.answer('profiles:confirm-revoked', () => ok({ ...rotated, previous: null }));
    const { user, dialog } = await openRotate(before);

    await user.click(dialog.getByRole('button', { name: 'Open UptimeObserver dashboard' }));
    expect(main.callsTo('app:open-external')).toEqual([['https://app.uptimeobserver.com/integrations/mcp']]);
    const submit = dialog.getByRole<HTMLButtonElement>('button', { name: 'Verify & switch' });
    expect(submit.disabled).toBe(true);
    await user.type(dialog.getByLabelText('New API key'), NEW_UO_KEY);
    await user.click(submit);

    expect(await dialog.findByText('Revoke the old key', { exact: false })).toBeTruthy();
    expect(dialog.getByText((_, element) => element?.className === 'reminder' && element.textContent === 'Revoke the old key uo_…1a2b in the dashboard')).toBeTruthy();
    expect(main.callsTo('profiles:rotate')).toEqual([[{ name: 'mcp-claude', key: { source: 'typed', key: NEW_UO_KEY } }]]);
    expect(document.body.innerHTML).not.toContain(NEW_UO_KEY);

    await user.click(dialog.getByRole('button', { name: 'I revoked it' }));
    expect(await dialog.findByText('Done: mcp-claude uses uo_…0c0d and the old key is forgotten.')).toBeTruthy();
    expect(main.callsTo('profiles:confirm-revoked')).toEqual([['mcp-claude']]);
  });

  it('UptimeMonitoring: counts the grace window down live and rolls back', async () => {
    // Only Date and intervals are faked: the countdown's clock; promises and user-event run normally.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: Date.parse('2026-11-23T10:00:00.000Z') });
    const before = profileView({ name: 'ci-prod', vendor: 'uptimemonitoring', auth: 'bearer', endpoint: 'https://mcp.uptimemonitoring.com/mcp', key: { masked: 'umk_live_…3a2b', fingerprint: 'sha256:00000001' } });
    main.answer('profiles:rotate', () =>
      ok({
        ...before,
        key: { masked: 'umk_live_…0c0d', fingerprint: 'sha256:00000002' },
        previous: { masked: 'umk_live_…3a2b', fingerprint: 'sha256:00000001', fate: 'grace', graceEndsAt: new Date(Date.now() + 5 * 60_000).toISOString(), rotatedAt: new Date().toISOString() },
      }),
    );
    main.answer('profiles:rollback', () => ok(before));
    const { user, dialog } = await openRotate(before);

    expect(dialog.queryByRole('button', { name: /dashboard/ })).toBeTruthy();
    await user.type(dialog.getByLabelText('New API key'), NEW_UM_KEY);
    await user.click(dialog.getByRole('button', { name: 'Verify & switch' }));

    const timer = await dialog.findByRole('timer');
    expect(timer.textContent).toBe('5:00');
    act(() => vi.advanceTimersByTime(61_000));
    expect(timer.textContent).toBe('3:59');
    act(() => vi.advanceTimersByTime(3 * 60_000));
    expect(timer.textContent).toBe('0:59');

    await user.click(dialog.getByRole('button', { name: 'Roll back' }));
    expect(await dialog.findByText(/^Rolled back: ci-prod uses umk_live_…3a2b again/)).toBeTruthy();
    expect(main.callsTo('profiles:rollback')).toEqual([['ci-prod']]);
  });

  it('UptimeMonitoring: says so when the grace window has run out', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: Date.parse('2026-11-23T10:00:00.000Z') });
    const before = profileView({ name: 'ci-prod', vendor: 'uptimemonitoring', auth: 'bearer', endpoint: 'https://mcp.uptimemonitoring.com/mcp' });
    main.answer('profiles:rotate', () =>
      ok({ ...before, previous: { masked: 'umk_live_…3a2b', fingerprint: 'sha256:00000001', fate: 'grace', graceEndsAt: new Date(Date.now() + 5 * 60_000).toISOString(), rotatedAt: new Date().toISOString() } }),
    );
    const { user, dialog } = await openRotate(before);
    await user.type(dialog.getByLabelText('New API key'), NEW_UM_KEY);
    await user.click(dialog.getByRole('button', { name: 'Verify & switch' }));
    await dialog.findByRole('timer');
    act(() => vi.advanceTimersByTime(5 * 60_000));
    expect(dialog.queryByRole('timer')).toBeNull();
    expect(dialog.queryByRole('button', { name: 'Roll back' })).toBeNull();
    expect(dialog.getByText(/The grace window is over/)).toBeTruthy();
  });

  it("shows main's refusal of the new key and stays on the form", async () => {
    main.answer('profiles:rotate', () => ({ ok: false, error: 'The new key was refused: 401 invalid credentials. Nothing was switched.' }));
    const { user, dialog } = await openRotate(profileView({ name: 'mcp-claude' }));
    await user.type(dialog.getByLabelText('New API key'), NEW_UO_KEY);
    await user.click(dialog.getByRole('button', { name: 'Verify & switch' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('Nothing was switched.');
    expect(dialog.getByRole('button', { name: 'Verify & switch' })).toBeTruthy();
  });
});
