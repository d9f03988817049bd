// After a key is saved: the assistants found here, each with Connect, and what each needs next;
// Connect… and Edit… from a key's card; a notice's own action. window.keybridge is the app's own
// preload API over an in-memory test double of main (fake-main.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src-renderer/components/App';
import type { ClientView } from '../../src-shared/ipc-contract';
import { clientView, installFakeMain, ok, polyfillDialog, profileView, type FakeMain } from './fake-main';

let main: FakeMain;

beforeEach(() => {
  polyfillDialog();
  main = installFakeMain();
});
afterEach(cleanup);

describe('Connect and Edit', () => {
  it('Key saved lists the assistants found here with Connect, and says what each needs after it', async () => {
    let clients: ClientView[] = [
      clientView({ id: 'claude-desktop', label: 'Claude Desktop' }),
      clientView({ id: 'claude-code', label: 'Claude Code', state: 'not-present' }),
      clientView({ id: 'windsurf', label: 'Windsurf' }),
    ];
    main.answer('clients:list', () => ok(clients));
    main.answer('profiles:add', () => ok(profileView({ name: 'mcp-claude' })));
    main.answer('clients:connect', ([target]) => {
      const { client } = target as { client: string };
      clients = clients.map((c) => (c.id === client ? { ...c, state: 'connected', profiles: ['mcp-claude'] } : c));
      main.emit('clients:changed', clients);
      return ok(clients.find((c) => c.id === client));
    });
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Add key…' }));
    const adding = within(await screen.findByRole('dialog', { name: 'Add key' }));
    // The dialog opens on the key field.
    expect(document.activeElement).toBe(adding.getByLabelText('API key'));
    await user.type(adding.getByLabelText('API key'), 'uo_test_4f9c2a7b1e3d5f6a1a2b');
    await user.click(adding.getByRole('button', { name: 'Verify & save' }));
    const saved = within(await screen.findByRole('dialog', { name: 'Key saved' }));
    const list = within(saved.getByRole('list', { name: 'Assistants for mcp-claude' }));
    // Only the assistants on this computer.
    expect(list.getAllByRole('listitem').map((item) => item.querySelector('.connect-name')?.textContent)).toEqual(['Claude Desktop', 'Windsurf']);
    await user.click(list.getByRole('button', { name: 'Connect Claude Desktop' }));
    expect((await saved.findByRole('status')).textContent).toBe('Restart Claude Desktop to load KeyBridge (quit it from its menu, then open it again).');
    await user.click(list.getByRole('button', { name: 'Connect Windsurf' }));
    expect(await saved.findByText("Open Windsurf's MCP servers panel and press Refresh to load KeyBridge.")).toBeTruthy();
    expect(main.callsTo('clients:connect')).toEqual([[{ client: 'claude-desktop', profile: 'mcp-claude' }], [{ client: 'windsurf', profile: 'mcp-claude' }]]);
  });

  it('Connect… on a card with no assistant, and Edit… saves the endpoint, header and note', async () => {
    main.answer('profiles:list', () => ok([profileView({ name: 'mcp-claude' })]));
    main.answer('clients:list', () => ok([clientView({ id: 'cursor', label: 'Cursor' })]));
    main.answer('profiles:update', ([patch]) => ok(profileView({ name: 'mcp-claude', ...(patch as object) })));
    const user = userEvent.setup();
    render(<App />);
    const card = within(await screen.findByRole('article', { name: 'mcp-claude' }));
    await user.click(card.getByRole('button', { name: 'Connect…' }));
    const connect = within(await screen.findByRole('dialog', { name: 'Connect mcp-claude' }));
    expect(connect.getByRole('button', { name: 'Connect Cursor' })).toBeTruthy();
    await user.click(connect.getByRole('button', { name: 'Done' }));

    await user.click(card.getByRole('button', { name: 'Edit…' }));
    const edit = within(await screen.findByRole('dialog', { name: 'Edit mcp-claude' }));
    expect(document.activeElement).toBe(edit.getByLabelText('Name'));
    await user.clear(edit.getByLabelText('MCP endpoint'));
    await user.type(edit.getByLabelText('MCP endpoint'), 'http://example.com/mcp');
    expect(edit.getByRole('alert').textContent).toBe('The MCP URL must use https (http only for localhost).');
    await user.clear(edit.getByLabelText('MCP endpoint'));
    await user.type(edit.getByLabelText('MCP endpoint'), 'https://eu.mcp.uptimeobserver.com/mcp');
    await user.click(edit.getByRole('radio', { name: 'Authorization: Bearer' }));
    await user.type(edit.getByLabelText('Note'), 'work account');
    await user.click(edit.getByRole('button', { name: 'Save' }));
    expect(main.callsTo('profiles:update')).toEqual([[{ name: 'mcp-claude', endpoint: 'https://eu.mcp.uptimeobserver.com/mcp', auth: 'bearer', note: 'work account' }]]);
    expect(main.callsTo('profiles:rename')).toEqual([]);
  });

  it('Edit… renames a key (main carries the name into the assistants), refusing a name that is not one', async () => {
    main.answer('profiles:list', () => ok([profileView({ name: 'mcp-claude' })]));
    main.answer('profiles:update', ([patch]) => ok(profileView({ name: 'mcp-claude', ...(patch as object) })));
    main.answer('profiles:rename', ([input]) => ok(profileView({ name: (input as { newName: string }).newName })));
    const user = userEvent.setup();
    render(<App />);
    const card = within(await screen.findByRole('article', { name: 'mcp-claude' }));
    await user.click(card.getByRole('button', { name: 'Edit…' }));
    const edit = within(await screen.findByRole('dialog', { name: 'Edit mcp-claude' }));
    await user.clear(edit.getByLabelText('Name'));
    await user.type(edit.getByLabelText('Name'), 'bad/name');
    expect(edit.getByRole('alert').textContent).toBe('A profile name uses only letters, digits, - and _.');
    expect((edit.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    await user.clear(edit.getByLabelText('Name'));
    await user.type(edit.getByLabelText('Name'), 'claude-work');
    await user.click(edit.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(main.callsTo('profiles:rename')).toEqual([[{ name: 'mcp-claude', newName: 'claude-work' }]]));
  });

  it("a notice offers its own action besides Dismiss (main does it)", async () => {
    main.answer('notices:list', () => ok([{ id: 'n1', level: 'error', message: 'Your saved keys could not be read.', at: '2026-11-23T10:00:00.000Z', action: 'show-file' }]));
    main.answer('notices:act', () => ok(undefined));
    const user = userEvent.setup();
    render(<App />);
    const notices = within(await screen.findByRole('region', { name: 'Notices' }));
    await user.click(notices.getByRole('button', { name: 'Show the old file' }));
    expect(main.callsTo('notices:act')).toEqual([['n1']]);
    expect(notices.getByRole('button', { name: 'Dismiss' })).toBeTruthy();
  });
});
