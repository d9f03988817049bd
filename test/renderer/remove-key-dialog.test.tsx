// Removing a key asks first, says the vendor key must be revoked in the dashboard too, and takes
// the profile's entries out of the assistants' configs unless the user keeps them.
// window.keybridge is the app's own preload API over an in-memory test double of main (fake-main.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src-renderer/components/App';
import { installFakeMain, ok, polyfillDialog, profileView, type FakeMain } from './fake-main';

let main: FakeMain;

beforeEach(() => {
  polyfillDialog();
  main = installFakeMain();
});
afterEach(cleanup);

describe('Remove key', () => {
  it('explains the dashboard revocation, links there, and removes only when confirmed', async () => {
    let profiles = [profileView({ name: 'mcp-claude', key: { masked: 'uo_…1a2b', fingerprint: 'sha256:00000001' } })];
    main.answer('profiles:list', () => ok(profiles));
    main.answer('clients:list', () =>
      ok([{ id: 'claude-desktop', label: 'Claude Desktop', configPath: '/home/u/.config/Claude/claude_desktop_config.json', state: 'connected', profiles: ['mcp-claude'], plaintextKeys: 0, error: null }]),
    );
    main.answer('clients:disconnect', () =>
      ok({ id: 'claude-desktop', label: 'Claude Desktop', configPath: '/home/u/.config/Claude/claude_desktop_config.json', state: 'not-connected', profiles: [], plaintextKeys: 0, error: null }),
    );
    main.answer('profiles:remove', () => {
      profiles = [];
      return ok({});
    });
    const user = userEvent.setup();
    render(<App />);

    await user.click(await screen.findByRole('button', { name: 'Remove…' }));
    let dialog = within(await screen.findByRole('dialog', { name: 'Remove mcp-claude?' }));
    expect(dialog.getByText(/Its encrypted copy of/).textContent).toBe(
      'Its encrypted copy of uo_…1a2b is deleted from this computer and Claude Desktop can no longer use it.',
    );
    expect(dialog.getByText('The key itself keeps working at UptimeObserver until you revoke it in the dashboard.')).toBeTruthy();
    await user.click(dialog.getByRole('button', { name: 'Open the UptimeObserver dashboard to revoke it' }));
    expect(main.callsTo('app:open-external')).toEqual([['https://app.uptimeobserver.com/integrations/mcp']]);

    await user.click(dialog.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(main.callsTo('profiles:remove')).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Remove…' }));
    dialog = within(await screen.findByRole('dialog', { name: 'Remove mcp-claude?' }));
    expect((dialog.getByRole('switch', { name: 'Also remove its entry from Claude Desktop' }) as HTMLInputElement).checked).toBe(true);
    await user.click(dialog.getByRole('button', { name: 'Remove key' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // Main takes the entries out, then the key: one call.
    expect(main.callsTo('profiles:remove')).toEqual([['mcp-claude', { disconnectAssistants: true }]]);
    expect(await screen.findByRole('heading', { level: 2, name: 'Welcome to KeyBridge' })).toBeTruthy();
  });

  it('keeps the entries when asked to, and keeps the key when an entry cannot be removed', async () => {
    main.answer('profiles:list', () => ok([profileView({ name: 'mcp-claude' })]));
    main.answer('clients:list', () =>
      ok([
        { id: 'claude-desktop', label: 'Claude Desktop', configPath: '/c.json', state: 'connected', profiles: ['mcp-claude'], plaintextKeys: 0, error: null },
        { id: 'cursor', label: 'Cursor', configPath: '/m.json', state: 'connected', profiles: ['mcp-claude'], plaintextKeys: 0, error: null },
      ]),
    );
    main.answer('profiles:remove', ([, choice]) =>
      (choice as { disconnectAssistants?: boolean } | undefined)?.disconnectAssistants ? { ok: false, error: '/m.json:3:1: expected a comma. KeyBridge left the file untouched.' } : ok({}),
    );
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Remove…' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Remove mcp-claude?' }));
    await user.click(dialog.getByRole('button', { name: 'Remove key' }));
    expect((await dialog.findByRole('alert')).textContent).toBe('/m.json:3:1: expected a comma. KeyBridge left the file untouched.');

    await user.click(dialog.getByRole('switch', { name: 'Also remove its entry from Claude Desktop, Cursor' }));
    await user.click(dialog.getByRole('button', { name: 'Remove key' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(main.callsTo('profiles:remove')).toEqual([
      ['mcp-claude', { disconnectAssistants: true }],
      ['mcp-claude', { disconnectAssistants: false }],
    ]);
  });

  it("keeps the dialog open with main's error when removing fails", async () => {
    main.answer('profiles:list', () => ok([profileView({ name: 'mcp-claude' })]));
    main.answer('profiles:remove', () => ({ ok: false, error: 'The store could not be written.' }));
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Remove…' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Remove mcp-claude?' }));
    await user.click(dialog.getByRole('button', { name: 'Remove key' }));
    expect((await dialog.findByRole('alert')).textContent).toBe('The store could not be written.');
  });

  it("takes the entry out of a project folder's workspace config too (the folder goes with the request)", async () => {
    main.answer('profiles:list', () => ok([profileView({ name: 'shop' })]));
    const card = { id: 'vscode-project', projectDir: '/home/u/src/shop', label: 'VS Code (shop)', configPath: '/home/u/src/shop/.vscode/mcp.json', state: 'connected', profiles: ['shop'], plaintextKeys: 0, plaintextBackups: 0, error: null, problems: [] };
    main.answer('clients:list', () => ok([card]));
    main.answer('clients:disconnect', () => ok({ ...card, state: 'not-connected', profiles: [] }));
    main.answer('profiles:remove', () => ok({}));
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Remove…' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Remove shop?' }));
    await user.click(dialog.getByRole('button', { name: 'Remove key' }));
    // Main finds the project folder's workspace config itself.
    await waitFor(() => expect(main.callsTo('profiles:remove')).toEqual([['shop', { disconnectAssistants: true }]]));
  });
});

