// The "Move into KeyBridge" dialog with configs as they are in the wild (issue 13): what the
// user is told and what the page asks main to do. The dialog is rendered on its own (the
// Clients screen that opens it is tested in clients-screen.test.tsx); window.keybridge is the
// app's own preload API over an in-memory main (fake-main.ts). The real files and vault are
// covered in test/main/clients/wild-configs.test.ts and, in Chromium, test/e2e/migration.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MigrationDialog } from '../../src-renderer/components/MigrationDialog';
import type { ClientView, Finding, ScanError, ScanReport } from '../../src-shared/ipc-contract';
import { fail, installFakeMain, ok, polyfillDialog, profileView, type FakeMain } from './fake-main';

let main: FakeMain;

const CURSOR_PATH = '/home/u/.cursor/mcp.json';

const client = (overrides: Partial<ClientView> = {}): ClientView => ({
  id: 'cursor',
  projectDir: null,
  label: 'Cursor',
  configPath: CURSOR_PATH,
  state: 'not-connected',
  profiles: [],
  plaintextKeys: 1,
  plaintextBackups: 0,
  error: null,
  problems: [],
  ...overrides,
});

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  id: 'f1',
  client: 'cursor',
  projectDir: null,
  configPath: CURSOR_PATH,
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
  suggestedProfile: 'uptime',
  ...overrides,
});

/** main's scan answers whatever `report` holds at the time of the call. */
function scanAnswers(report: () => ScanReport) {
  main.answer('migration:scan', () => ok(report()));
}

beforeEach(() => {
  polyfillDialog();
  main = installFakeMain();
  main.answer('profiles:list', () => ok([profileView({ name: 'mcp-claude' })]));
});
afterEach(cleanup);

async function openDialog(view: ClientView = client()) {
  const user = userEvent.setup();
  let moved = 0;
  render(<MigrationDialog client={view} onClose={() => undefined} onMoved={() => void moved++} />);
  const dialog = within(await screen.findByRole('dialog', { name: `Plaintext keys in ${view.label}` }));
  return { user, dialog, moves: () => moved };
}

/** One key's row in the dialog, once the scan has shown it. */
const row = async (dialog: ReturnType<typeof within>, name: string) => within(await dialog.findByRole('listitem', { name }));

describe('Move into KeyBridge, configs in the wild', () => {
  it("1. shows main's reason next to the key when the move fails, and a retry after fixing it works", async () => {
    let attempts = 0;
    let report: ScanReport = { findings: [finding()], errors: [] };
    scanAnswers(() => report);
    main.answer('migration:migrate', () => {
      attempts++;
      if (attempts === 1) {
        return fail(
          `KeyBridge did not change ${CURSOR_PATH}: its folder /home/u/.cursor cannot be written (permission denied (EACCES)); the atomic replace needs a new file there. Nothing was changed. The key is still in the file, and KeyBridge did not keep it. Fix that and try again.`,
        );
      }
      report = { findings: [], errors: [] };
      return ok({ profile: profileView({ name: 'uptime' }), message: "Moved into KeyBridge as uptime. 'uptime' now starts the bridge." });
    });
    const { user, dialog, moves } = await openDialog();
    const item = await row(dialog, 'uptime uo_…88bb');
    await user.click(item.getByRole('button', { name: 'Move into KeyBridge' }));
    expect((await item.findByRole('alert')).textContent).toContain('cannot be written (permission denied (EACCES))');
    expect(moves()).toBe(0);
    expect((await item.findByRole('alert')).textContent).toContain('KeyBridge did not keep it');
    await user.click(item.getByRole('button', { name: 'Move into KeyBridge' }));
    expect((await dialog.findByRole('status')).textContent).toBe("Moved into KeyBridge as uptime. 'uptime' now starts the bridge.");
    expect(main.callsTo('migration:migrate')).toHaveLength(2);
    expect(moves()).toBe(1);
  });

  it('4. names the project or file a key is in', async () => {
    const project = '/home/u/src/shop';
    scanAnswers(() => ({
      findings: [
        finding({ client: 'claude-code', configPath: '/home/u/.claude.json', scope: `project ${project}` }),
        finding({ id: 'f2', client: 'claude-code', configPath: '/home/u/.claude.json', entryName: 'um', maskedKey: 'umk_live_…3a2b', vendor: 'uptimemonitoring' }),
      ],
      errors: [],
    }));
    const { dialog } = await openDialog(client({ id: 'claude-code', label: 'Claude Code', configPath: '/home/u/.claude.json', plaintextKeys: 2 }));
    expect((await dialog.findByRole('listitem', { name: 'uptime uo_…88bb' })).textContent).toContain(`(headers.X-API-Key, project ${project})`);
  });

  it('5. a key whose entry names no URL gets a URL field: empty for UptimeMonitoring, the vendor default for UptimeObserver', async () => {
    scanAnswers(() => ({
      findings: [
        finding({ id: 'um', entryName: 'um', maskedKey: 'umk_live_…3a2b', vendor: 'uptimemonitoring', where: 'env.UM_KEY', endpoint: null, endpointFromEntry: false, problem: 'The entry names no MCP URL: enter it to move this key.' }),
        finding({ id: 'uo', entryName: 'uo', where: 'env.UO_KEY', endpointFromEntry: false }),
        finding({ id: 'remote', entryName: 'remote' }),
      ],
      errors: [],
    }));
    main.answer('migration:migrate', ([input]) => ok({ profile: profileView({ name: (input as { profile: string }).profile }), message: 'Moved.' }));
    const { user, dialog } = await openDialog(client({ plaintextKeys: 3 }));
    const um = await row(dialog, 'um umk_live_…3a2b');
    const url = um.getByLabelText<HTMLInputElement>('MCP URL');
    expect(url.value).toBe('');
    expect(um.getByRole<HTMLButtonElement>('button', { name: 'Move into KeyBridge' }).disabled).toBe(true);
    await user.type(url, 'https://mcp.uptimemonitoring.example/mcp');
    await user.click(um.getByRole('button', { name: 'Move into KeyBridge' }));
    expect(main.callsTo('migration:migrate')[0]).toEqual([{ findingId: 'um', action: 'move', profile: 'uptime', endpoint: 'https://mcp.uptimemonitoring.example/mcp', replaceLocal: false }]);
    expect((await row(dialog, 'uo uo_…88bb')).getByLabelText<HTMLInputElement>('MCP URL').value).toBe('https://mcp.uptimeobserver.com/mcp');
    expect((await row(dialog, 'remote uo_…88bb')).queryByLabelText('MCP URL')).toBeNull();
  });

  it("6. a file the scan could not read is shown in the dialog, not 'Nothing left to move'", async () => {
    const error: ScanError = {
      client: 'cursor',
      projectDir: null,
      label: 'Cursor',
      configPath: CURSOR_PATH,
      scope: null,
      message: `${CURSOR_PATH}:4:5: a comma was expected. KeyBridge left the file untouched; fix it (or restore a backup) and try again.`,
    };
    scanAnswers(() => ({ findings: [], errors: [error, { ...error, client: 'windsurf', label: 'Windsurf', configPath: '/elsewhere', message: 'not this one' }] }));
    const { dialog } = await openDialog();
    const alert = await dialog.findByRole('alert');
    expect(alert.textContent).toContain(`${CURSOR_PATH}:4:5: a comma was expected.`);
    expect(alert.textContent).not.toContain('not this one');
    expect(dialog.queryByText('Nothing left to move')).toBeNull();
    expect(dialog.getByText('Nothing to move in the files KeyBridge could read')).toBeTruthy();
  });

  it("7. a key KeyBridge already holds is offered as 'use the existing key' (main matched it; the page sends only the name)", async () => {
    scanAnswers(() => ({ findings: [finding({ existingProfile: 'uptime', suggestedProfile: 'uptime' })], errors: [] }));
    main.answer('migration:migrate', () => ok({ profile: profileView({ name: 'uptime' }), message: "'uptime' now uses the key KeyBridge already holds as 'uptime'." }));
    const { user, dialog } = await openDialog();
    const item = await row(dialog, 'uptime uo_…88bb');
    expect(item.queryByLabelText('Profile name')).toBeNull();
    await user.click(item.getByRole('button', { name: "Use the existing key 'uptime'" }));
    expect(main.callsTo('migration:migrate')).toEqual([[{ findingId: 'f1', action: 'use-existing', profile: 'uptime', replaceLocal: false }]]);
    expect((await dialog.findByRole('status')).textContent).toBe("'uptime' now uses the key KeyBridge already holds as 'uptime'.");
  });

  it("8. pre-fills main's free names, refreshes them after a move, and keeps a name the user typed", async () => {
    let report: ScanReport = {
      findings: [finding({ id: 'a', suggestedProfile: 'uptime' }), finding({ id: 'b', maskedKey: 'uo_…77cc', suggestedProfile: 'uptime-2' }), finding({ id: 'c', maskedKey: 'uo_…99dd', suggestedProfile: 'uptime-3' })],
      errors: [],
    };
    scanAnswers(() => report);
    main.answer('migration:migrate', ([input]) => {
      const { findingId, profile } = input as { findingId: string; profile: string };
      report = { findings: report.findings.filter((f) => f.id !== findingId).map((f) => (f.id === 'c' ? { ...f, suggestedProfile: 'uptime-4' } : f)), errors: [] };
      return ok({ profile: profileView({ name: profile }), message: `Moved into KeyBridge as ${profile}.` });
    });
    const { user, dialog } = await openDialog(client({ plaintextKeys: 3 }));
    const b = await row(dialog, 'uptime uo_…77cc');
    const names = () => dialog.getAllByLabelText<HTMLInputElement>('Profile name').map((input) => input.value);
    expect(names()).toEqual(['uptime', 'uptime-2', 'uptime-3']);
    await user.clear(b.getByLabelText('Profile name'));
    await user.type(b.getByLabelText('Profile name'), 'cursor-staging');
    await user.click((await row(dialog, 'uptime uo_…88bb')).getByRole('button', { name: 'Move into KeyBridge' }));
    await dialog.findByText('Moved into KeyBridge as uptime.');
    expect(names()).toEqual(['cursor-staging', 'uptime-4']);
  });

  it('9. a local server: says what would change, moves only with consent, and offers to keep it where the app can', async () => {
    scanAnswers(() => ({
      findings: [
        finding({
          client: 'vscode',
          configPath: '/home/u/.config/Code/User/mcp.json',
          entryName: 'uptime-local',
          where: 'env.UPTIMEOBSERVER_API_KEY',
          endpointFromEntry: false,
          local: 'npx -y uptimeobserver-mcp',
          keepLocalPossible: true,
        }),
      ],
      errors: [],
    }));
    main.answer('migration:migrate', () =>
      ok({ profile: null, message: "The key is out of /home/u/.config/Code/User/mcp.json: VS Code asks for it the next time it starts 'uptime-local' and keeps it in its own secret storage. KeyBridge does not keep this key, so have it at hand." }),
    );
    const { user, dialog } = await openDialog(client({ id: 'vscode', label: 'VS Code', configPath: '/home/u/.config/Code/User/mcp.json' }));
    const item = await row(dialog, 'uptime-local uo_…88bb');
    const note = item.getByRole('note');
    expect(note.textContent).toContain('uptime-local is a local server: it runs npx -y uptimeobserver-mcp on this computer');
    expect(note.textContent).toContain('a different server runs in its place');
    expect(note.textContent).toContain('VS Code can ask for the key once and keep it in its own secret storage');
    const move = item.getByRole<HTMLButtonElement>('button', { name: 'Move into KeyBridge' });
    expect(move.disabled).toBe(true);
    await user.click(item.getByLabelText('Replace the local server with the bridge to the remote endpoint'));
    expect(move.disabled).toBe(false);
    await user.click(item.getByLabelText('Replace the local server with the bridge to the remote endpoint'));
    await user.click(item.getByRole('button', { name: 'Keep the local server, take the key out of the file' }));
    expect(main.callsTo('migration:migrate')).toEqual([[{ findingId: 'f1', action: 'keep-local' }]]);
    expect((await dialog.findByRole('status')).textContent).toContain('keeps it in its own secret storage');
  });

  it('9. where the app cannot keep a local server without its key, it says so and offers no such button', async () => {
    scanAnswers(() => ({ findings: [finding({ entryName: 'uptime-local', endpointFromEntry: false, local: 'npx -y uptimeobserver-mcp', keepLocalPossible: false })], errors: [] }));
    const { dialog } = await openDialog();
    expect((await dialog.findByRole('note')).textContent).toContain("Cursor reads a local server's key only from this file");
    expect(dialog.queryByRole('button', { name: 'Keep the local server, take the key out of the file' })).toBeNull();
  });

  it('10. tells the user which backups hold the key: next to the key, and when they leave it', async () => {
    scanAnswers(() => ({ findings: [finding({ backupsHoldingKey: 2 })], errors: [] }));
    const { user, dialog } = await openDialog(client({ plaintextBackups: 2 }));
    const item = await row(dialog, 'uptime uo_…88bb');
    expect((await dialog.findByText(/moving it removes it from them/)).textContent).toBe('The key is also in 2 of the backups KeyBridge made of this file; moving it removes it from them.');
    await user.click(item.getByRole('button', { name: 'Leave it' }));
    expect((await dialog.findByRole('status')).textContent).toBe(
      `Left as it is: the key stays in plaintext in ${CURSOR_PATH}. It is also in 2 of the backups KeyBridge made of this file before earlier changes.`,
    );
    expect(main.callsTo('migration:migrate')).toEqual([]);
  });
});
