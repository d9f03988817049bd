// Boots the main process (against the fake `electron` — the Electron binary cannot run here)
// the way a login item or a bridge starts it: `--hidden`, with a corrupt vault file and a Linux
// keyring that fell back to 'basic_text'. The tray must say "locked", the user must be told
// about the file moved aside, and allowing weaker storage must unlock it.
import { readdir, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { InvokeResult } from '../../src-shared/ipc-contract';
import type { Shell } from '../../src-main/shell/shell';
import { fakeElectron, findMenuItem, FakeBrowserWindow, FakeNotification, FakeTray } from '../support/fake-electron';

// The Electron binary cannot run here: the shell gets the recording fake instead.
vi.mock('electron', async () => (await import('../support/fake-electron')).fakeElectronModule());

const ROOT = resolve(__dirname, '../..');
let root: string;
let userData: string;
let shell: Shell;
let tray: FakeTray;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kb-boot2-'));
  userData = join(root, 'userData');
  await mkdir(userData, { recursive: true });
  await writeFile(join(userData, 'keybridge-vault.json'), '{"version": 1, "profiles": [tru');
  vi.stubEnv('KEYBRIDGE_AGENT_SOCKET', join(root, 'agent.sock'));
  vi.stubEnv('XDG_CONFIG_HOME', join(root, 'home', '.config'));
  vi.stubEnv('CLAUDE_CONFIG_DIR', '');
  fakeElectron.safeStorage.backend = 'basic_text';
  fakeElectron.app.paths = { home: join(root, 'home'), userData };
  fakeElectron.app.appPath = ROOT;
  process.argv.push('--hidden');
  try {
    const { booted } = await import('../../src-main/shell/main');
    fakeElectron.app.emitReady();
    const started = await booted;
    if (!started) throw new Error('the shell did not start');
    shell = started;
  } finally {
    process.argv.pop();
  }
  tray = FakeTray.all[0] as FakeTray;
});

afterAll(async () => {
  await shell?.stop();
  vi.unstubAllEnvs();
  if (root) await rm(root, { recursive: true, force: true });
});

/** IPC from the window (it exists once opened). */
async function invoke(channel: string, args: unknown[]): Promise<InvokeResult<unknown>> {
  const win = FakeBrowserWindow.all[0];
  if (!win) throw new Error('no window yet');
  return (await fakeElectron.ipcMain.invokeFrom(win.webContents, win.webContents.mainFrame, channel, args)) as InvokeResult<unknown>;
}

it('--hidden starts in the tray only; Open KeyBridge then creates the window', async () => {
  expect(FakeBrowserWindow.all).toEqual([]);
  expect(tray).toBeDefined();
  (findMenuItem(tray.menu?.items ?? [], 'Open KeyBridge').click as () => void)();
  await vi.waitFor(() => expect(FakeBrowserWindow.all[0]?.visible).toBe(true));
});

it('a tray navigation to a freshly created window waits until its page runs', async () => {
  const win = FakeBrowserWindow.all[0] as FakeBrowserWindow;
  const shown = vi.spyOn(win, 'show');
  (findMenuItem(tray.menu?.items ?? [], 'Add key…').click as () => void)();
  // The tray brings the window up, then decides (in the same chain of promise callbacks, with
  // no I/O) whether the page can take the navigation: a macrotask turn after the show has it decided.
  await vi.waitFor(() => expect(shown).toHaveBeenCalled());
  await new Promise((r) => setImmediate(r));
  shown.mockRestore();
  expect(win.webContents.sent.filter((m) => m.channel === 'app:navigate')).toEqual([]);
  await invoke('profiles:list', []);
  await vi.waitFor(() =>
    expect(win.webContents.sent.filter((m) => m.channel === 'app:navigate').map((m) => m.payload)).toEqual([{ screen: 'keys', action: 'add-key', profile: null }]),
  );
});

it('moves the corrupt store aside, and says so on the desktop and in the window', async () => {
  const files = await readdir(userData);
  expect(files.some((f) => f.startsWith('keybridge-vault.json.corrupt-'))).toBe(true);
  const note = FakeNotification.shown.find((n) => n.options.title === 'KeyBridge needs attention');
  expect(note?.options.body).toMatch(/saved keys could not be read/);
  const notices = await invoke('notices:list', []);
  expect(notices).toMatchObject({ ok: true, value: [{ level: 'error', message: expect.stringMatching(/saved keys could not be read/), action: 'show-file' }] });
  // Its action shows the file that was moved aside, in the file manager.
  const [notice] = (notices as { value: { id: string }[] }).value;
  expect(await invoke('notices:act', [notice?.id])).toEqual({ ok: true, value: undefined });
  expect(fakeElectron.shell.shown).toEqual([expect.stringMatching(/keybridge-vault\.json\.corrupt-/)]);
});

it("shows 'locked' while the Linux keyring is basic_text, and refuses to store keys", async () => {
  expect(tray.image.path).toBe(join(ROOT, 'build', 'tray', 'tray-locked.png'));
  expect(tray.tooltip).toBe('KeyBridge — locked: keys cannot be decrypted on this machine');
  expect(tray.menu?.items[0]).toEqual({ label: 'Locked: the system keychain is not available', enabled: false });
  expect(await invoke('settings:storage', [])).toMatchObject({ ok: true, value: { mode: 'unavailable', backend: 'basic_text' } });
  const refused = await invoke('profiles:add', [{ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: 'https://mcp.uptimeobserver.com/mcp', auth: 'x-api-key', key: { source: 'typed', key: 'uo_test_locked1234567890' } }]);
  expect(refused).toMatchObject({ ok: false });
  expect(JSON.stringify(refused)).not.toContain('uo_test_locked1234567890');
});

it('allowing weaker storage (the user’s explicit choice) unlocks it, and the tray follows', async () => {
  expect(await invoke('settings:update', [{ allowWeakStorage: true }])).toMatchObject({ ok: true, value: { allowWeakStorage: true } });
  await vi.waitFor(() => expect(tray.image.path).toBe(join(ROOT, 'build', 'tray', 'tray-ok.png')));
  expect(tray.menu?.items[0]).toMatchObject({ label: 'Open KeyBridge' });
  expect(await invoke('settings:storage', [])).toMatchObject({ ok: true, value: { mode: 'weak', backend: 'basic_text' } });
});
