// The Activity screen: live sessions follow main's activity:sessions-changed events, and the event log
// is read again when activity:event says something happened. window.keybridge is the app's
// own preload API over an in-memory test double of main (fake-main.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { App } from '../../src-renderer/components/App';
import type { ActivityEvent, SessionView } from '../../src-shared/ipc-contract';
import { installFakeMain, ok, polyfillDialog, type FakeMain } from './fake-main';

let main: FakeMain;

beforeEach(() => {
  polyfillDialog();
  main = installFakeMain();
});
afterEach(cleanup);

const session = (overrides: Partial<SessionView> = {}): SessionView => ({
  id: 's1',
  profile: 'mcp-claude',
  client: { name: 'claude-ai', pid: 4242 },
  since: new Date().toISOString(),
  upstream: 'ok',
  requests: 12,
  errors: 0,
  lastError: null,
  ...overrides,
});

describe('Activity', () => {
  it('shows live sessions as main reports them and the newest events first', async () => {
    const events: ActivityEvent[] = [{ at: '2026-11-23T10:00:00.000Z', level: 'info', profile: 'mcp-claude', message: "Added 'mcp-claude' (uo_…1a2b)." }];
    main.answer('activity:events', () => ok(events));
    const user = userEvent.setup();
    render(<App />);
    await user.click(screen.getByRole('tab', { name: 'Activity' }));
    expect(await screen.findByText('No assistant is using a key right now')).toBeTruthy();

    act(() => main.emit('activity:sessions-changed', [session()]));
    const row = within(screen.getByRole('row', { name: /mcp-claude/ }));
    // The name Claude Desktop gives itself in initialize, as people know it.
    expect(row.getByText('Claude Desktop')).toBeTruthy();
    expect(row.getByText('12')).toBeTruthy();

    act(() =>
      main.emit('activity:sessions-changed', [
        session({ upstream: 'failing', requests: 13, errors: 1, lastError: { status: 401, message: 'invalid credentials', at: new Date().toISOString() } }),
      ]),
    );
    expect(screen.getByRole('row', { name: /mcp-claude/ }).textContent).toContain('401 invalid credentials');
    expect(screen.getByText('Failing')).toBeTruthy();

    events.push({ at: '2026-11-23T10:05:00.000Z', level: 'error', profile: 'mcp-claude', message: 'The vendor rejected the key for mcp-claude (401 invalid credentials).' });
    act(() => main.emit('activity:event', events[1] as ActivityEvent));
    const log = within(screen.getByRole('list', { name: 'Recent events' }));
    await log.findByText('The vendor rejected the key for mcp-claude (401 invalid credentials).');
    const items = log.getAllByRole('listitem').map((item) => item.textContent ?? '');
    expect(items).toHaveLength(2);
    expect(items[0]).toContain('The vendor rejected the key');
    expect(items[1]).toContain("Added 'mcp-claude'");
    // The level in a word, the date with the time.
    expect(items[0]).toContain('Error');
    expect(log.getAllByRole('listitem')[0]?.querySelector('time')?.textContent).toMatch(/^[A-Z][a-z]{2} \d{1,2}, /);
  });

  it("hides KeyBridge's own events (connection tests, start-up) behind a filter", async () => {
    main.answer('activity:events', () =>
      ok([
        { at: '2026-11-23T10:00:00.000Z', level: 'info', profile: null, message: 'KeyBridge is listening for bridges.' },
        { at: '2026-11-23T10:00:01.000Z', level: 'info', profile: 'mcp-claude', message: "KeyBridge (test connection) connected to 'mcp-claude'." },
        { at: '2026-11-23T10:00:02.000Z', level: 'info', profile: 'mcp-claude', message: "Connected Claude Desktop to 'mcp-claude'." },
      ]),
    );
    const user = userEvent.setup();
    render(<App />);
    await user.click(screen.getByRole('tab', { name: 'Activity' }));
    const log = within(await screen.findByRole('list', { name: 'Recent events' }));
    expect(log.getAllByRole('listitem')).toHaveLength(1);
    await user.click(screen.getByRole('checkbox', { name: "Show KeyBridge's own events (2)" }));
    expect(log.getAllByRole('listitem')).toHaveLength(3);
  });
});
