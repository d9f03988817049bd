// The Clients screen: connect with main's errors shown, the plaintext-key warning and
// "Move into KeyBridge", the snippet. window.keybridge is the app's own preload API over an
// in-memory test double of main (fake-main.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../../src-renderer/components/App';
import type { ClientView } from '../../src-shared/ipc-contract';
import { fail, installFakeMain, ok, polyfillDialog, profileView, type FakeMain } from './fake-main';

let main: FakeMain;

const cursor = (overrides: Partial<ClientView> = {}): ClientView => ({
  id: 'cursor',
  projectDir: null,
  label: 'Cursor',
  configPath: '/home/u/.cursor/mcp.json',
  state: 'not-connected',
  profiles: [],
  plaintextKeys: 0,
  plaintextBackups: 0,
  error: null,
  problems: [],
  ...overrides,
});

beforeEach(() => {
  polyfillDialog();
  main = installFakeMain();
  main.answer('profiles:list', () => ok([profileView({ name: 'mcp-claude' }), profileView({ name: 'mcp-cursor' })]));
});
afterEach(cleanup);

async function openClients() {
  const user = userEvent.setup();
  render(<App />);
  await user.click(screen.getByRole('tab', { name: 'Assistants' }));
  const card = within(await screen.findByRole('article', { name: 'Cursor' }));
  return { user, card };
}

describe('Clients', () => {
  it("connects the chosen profile and shows main's error when it cannot", async () => {
    main.answer('clients:list', () => ok([cursor()]));
    main.answer('clients:connect', () => fail('Cursor\'s config is not valid JSON (line 3); fix it or remove it, then connect again.'));
    const { user, card } = await openClients();
    await user.selectOptions(card.getByLabelText('Key'), 'mcp-cursor');
    await user.click(card.getByRole('button', { name: 'Connect' }));
    expect(main.callsTo('clients:connect')).toEqual([[{ client: 'cursor', profile: 'mcp-cursor' }]]);
    expect((await card.findByRole('alert')).textContent).toContain('not valid JSON (line 3)');
  });

  it('warns about a plaintext key and moves it into KeyBridge under the chosen name', async () => {
    let plaintextKeys = 1;
    main.answer('clients:list', () => ok([cursor({ plaintextKeys })]));
    main.answer('migration:scan', () =>
      ok({
        findings:
          plaintextKeys === 0
            ? []
            : [
                {
                  id: 'f1',
                  client: 'cursor',
                  projectDir: null,
                  configPath: '/home/u/.cursor/mcp.json',
                  scope: null,
                  entryName: 'uptime',
                  where: 'headers.X-API-Key',
                  maskedKey: 'uo_…88bb',
                  vendor: 'uptimeobserver',
                  endpoint: 'https://mcp.uptimeobserver.com/mcp',
                  endpointFromEntry: true,
                  problem: null,
                  local: null,
                  keepLocalPossible: false,
                  existingProfile: null,
                  backupsHoldingKey: 0,
                  suggestedProfile: 'mcp-cursor-2',
                },
              ],
        errors: [],
      }),
    );
    main.answer('migration:migrate', ([input]) => {
      plaintextKeys = 0;
      const profile = (input as { profile: string }).profile;
      return ok({ profile: profileView({ name: profile }), message: `Moved into KeyBridge as ${profile}. 'uptime' now starts the bridge.` });
    });
    const { user, card } = await openClients();
    expect(card.getByRole('alert').textContent).toContain('A plaintext API key was found in this config.');
    await user.click(card.getByRole('button', { name: 'Move into KeyBridge' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Plaintext keys in Cursor' }));
    expect(await dialog.findByText('uo_…88bb')).toBeTruthy();
    const name = dialog.getByLabelText<HTMLInputElement>('Profile name');
    expect(name.value).toBe('mcp-cursor-2');
    await user.clear(name);
    await user.type(name, 'cursor-uptime');
    await user.click(dialog.getByRole('button', { name: 'Move into KeyBridge' }));
    expect((await dialog.findByRole('status')).textContent).toBe("Moved into KeyBridge as cursor-uptime. 'uptime' now starts the bridge.");
    expect(main.callsTo('migration:migrate')).toEqual([[{ findingId: 'f1', action: 'move', profile: 'cursor-uptime', replaceLocal: false }]]);
    await user.click(dialog.getByRole('button', { name: 'Done' }));
    expect(screen.queryByText('A plaintext API key was found in this config.')).toBeNull();
  });

  it('shows the snippet, has main copy it, and offers the install link', async () => {
    main.answer('clients:list', () => ok([cursor()]));
    main.answer('clients:snippet', () =>
      ok({ json: '{\n  "keybridge-mcp-claude": { "command": "/home/u/.keybridge/bin/keybridge-bridge", "args": ["--profile", "mcp-claude"] }\n}', deepLink: 'cursor://anysphere.cursor-deeplink/mcp/install?name=keybridge-mcp-claude&config=e30=' }),
    );
    main.answer('clients:copy-snippet', () => ok({}));
    const { user, card } = await openClients();
    await user.click(card.getByRole('button', { name: 'Show snippet' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Cursor · mcp-claude' }));
    expect((await dialog.findByLabelText('Config snippet')).textContent).toContain('"--profile", "mcp-claude"');
    await user.click(dialog.getByRole('button', { name: 'Copy' }));
    expect(await dialog.findByRole('button', { name: 'Copied' })).toBeTruthy();
    expect(main.callsTo('clients:copy-snippet')).toEqual([[{ client: 'cursor', profile: 'mcp-claude' }]]);
    await user.click(dialog.getByRole('button', { name: 'Install with a link' }));
    // Main builds the link from (client, profile) and opens it; the page never sends a deep link.
    expect(main.callsTo('clients:open-install-link')).toEqual([[{ client: 'cursor', profile: 'mcp-claude' }]]);
    expect(main.callsTo('app:open-external')).toEqual([]);
  });

  it("shows main's refusal to open a link", async () => {
    main.answer('clients:list', () => ok([cursor()]));
    main.answer('clients:snippet', () => ok({ json: '{}', deepLink: 'cursor://anysphere.cursor-deeplink/mcp/install?name=x&config=e30=' }));
    main.answer('clients:open-install-link', () => fail('There is no profile named \'mcp-claude\'.'));
    const { user, card } = await openClients();
    await user.click(card.getByRole('button', { name: 'Show snippet' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Cursor · mcp-claude' }));
    await user.click(await dialog.findByRole('button', { name: 'Install with a link' }));
    expect((await dialog.findByRole('alert')).textContent).toBe("There is no profile named 'mcp-claude'.");
  });

  it('adds a project folder (main checks it) and removes it from its card', async () => {
    let folders: string[] = [];
    const project = (dir: string): ClientView[] => [
      cursor({ id: 'cursor-project', projectDir: dir, label: 'Cursor (shop)', configPath: `${dir}/.cursor/mcp.json` }),
      cursor({ id: 'vscode-project', projectDir: dir, label: 'VS Code (shop)', configPath: `${dir}/.vscode/mcp.json` }),
    ];
    main.answer('clients:list', () => ok([cursor(), ...folders.flatMap(project)]));
    main.answer('clients:add-project', ([input]) => {
      const { dir } = input as { dir: string };
      if (!dir.startsWith('/')) return fail(`${dir} is not a folder on this computer.`);
      folders = [dir];
      return ok([cursor(), ...project(dir)]);
    });
    main.answer('clients:remove-project', () => {
      folders = [];
      return ok([cursor()]);
    });
    const { user } = await openClients();
    await user.type(screen.getByLabelText('Project folder'), 'shop');
    await user.click(screen.getByRole('button', { name: 'Add folder' }));
    expect((await screen.findByText('shop is not a folder on this computer.')).getAttribute('role')).toBe('alert');
    await user.clear(screen.getByLabelText('Project folder'));
    await user.type(screen.getByLabelText('Project folder'), '/home/u/src/shop');
    await user.click(screen.getByRole('button', { name: 'Add folder' }));
    const card = within(await screen.findByRole('article', { name: 'VS Code (shop)' }));
    expect(screen.getByRole('article', { name: 'Cursor (shop)' })).toBeTruthy();
    expect(main.callsTo('clients:add-project')).toEqual([[{ dir: 'shop' }], [{ dir: '/home/u/src/shop' }]]);
    await user.selectOptions(card.getByLabelText('Key'), 'mcp-cursor');
    main.answer('clients:connect', () => ok(project('/home/u/src/shop')[1]!));
    await user.click(card.getByRole('button', { name: 'Connect' }));
    expect(main.callsTo('clients:connect')).toEqual([[{ client: 'vscode-project', projectDir: '/home/u/src/shop', profile: 'mcp-cursor' }]]);
    await user.click(card.getByRole('button', { name: 'Remove folder' }));
    expect(main.callsTo('clients:remove-project')).toEqual([[{ dir: '/home/u/src/shop' }]]);
  });

  it("shows an unreadable file's path and reason on its own card, other files' problems, and the other cards as usual", async () => {
    const message = 'KeyBridge cannot read /home/u/.cursor/mcp.json: permission denied (EACCES). It left the file alone; fix its permissions (or move it aside) and KeyBridge will pick it up.';
    main.answer('clients:list', () =>
      ok([
        cursor({ state: 'error', error: message }),
        cursor({ id: 'vscode', label: 'VS Code', configPath: '/home/u/.config/Code/User/mcp.json', problems: ['/home/u/.config/Code/User/settings.json:3:5: a comma was expected.'] }),
        cursor({ id: 'claude-desktop', label: 'Claude Desktop', configPath: '/home/u/.config/Claude/claude_desktop_config.json', plaintextKeys: 1 }),
      ]),
    );
    const { card } = await openClients();
    expect(card.getByText('Error')).toBeTruthy();
    expect(card.getByText(message)).toBeTruthy();
    expect(within(screen.getByRole('article', { name: 'VS Code' })).getByText(/settings\.json:3:5: a comma was expected/)).toBeTruthy();
    expect(within(screen.getByRole('article', { name: 'Claude Desktop' })).getByRole('alert').textContent).toContain('A plaintext API key was found in this config.');
  });

  it('says when backups KeyBridge made still hold the plaintext keys', async () => {
    main.answer('clients:list', () => ok([cursor({ plaintextKeys: 1, plaintextBackups: 2 })]));
    const { card } = await openClients();
    expect(card.getByRole('alert').textContent).toBe('A plaintext API key was found in this config. 2 backups KeyBridge made of it hold it too, until you move it.Move into KeyBridge');
  });
});

