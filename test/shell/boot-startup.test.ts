// Boots the main process (against the fake `electron` — the Electron binary cannot run here)
// hidden, as a login item or a bridge starts it, and checks what must hold while start-up is
// still running: a second launch or a Dock click that arrives before the shell is up is not
// lost; every web contents is guarded from the first one on; and an approval comes up in
// KeyBridge's own window, brought to the front, never as a parentless box.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type * as AppCore from '../../src-main/app/create-app';
import type { Shell } from '../../src-main/shell/shell';
import { fakeElectron, FakeBrowserWindow, FakeWebContents } from '../support/fake-electron';

vi.mock('electron', async () => (await import('../support/fake-electron')).fakeElectronModule());

// The options the shell gives the app core, to reach its approval prompt directly (the agent
// protocol that normally triggers it is tested in test/main and test/shell/boot.test.ts).
const captured = vi.hoisted(() => ({ askApproval: null as null | ((request: unknown) => Promise<unknown>) }));
vi.mock('../../src-main/app/create-app', async (importOriginal) => {
  const original = await importOriginal<typeof AppCore>();
  return {
    ...original,
    createAppCore: (options: Parameters<typeof original.createAppCore>[0]) => {
      captured.askApproval = options.askApproval as (request: unknown) => Promise<unknown>;
      return original.createAppCore(options);
    },
  };
});

const ROOT = resolve(__dirname, '../..');
let root: string;
let shell: Shell;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kb-start-'));
  vi.stubEnv('KEYBRIDGE_AGENT_SOCKET', join(root, 'agent.sock'));
  vi.stubEnv('XDG_CONFIG_HOME', join(root, 'home', '.config'));
  vi.stubEnv('CLAUDE_CONFIG_DIR', '');
  vi.stubEnv('APPIMAGE', '');
  const { app } = fakeElectron;
  app.paths = { home: join(root, 'home'), userData: join(root, 'userData') };
  app.appPath = ROOT;
  process.argv.push('--hidden');
  try {
    const { booted } = await import('../../src-main/shell/main');
    // Before ready: the guard and the second-instance / activate handlers are in place …
    expect(app.listenerCount('web-contents-created')).toBe(1);
    expect(app.listenerCount('second-instance')).toBe(1);
    expect(app.listenerCount('activate')).toBe(1);
    // … so a second launch during start-up is remembered.
    app.emitSecondInstance(['keybridge']);
    app.emitReady();
    const started = await booted;
    if (!started) throw new Error('the shell did not start');
    shell = started;
  } finally {
    process.argv.pop();
  }
}, 30_000);

afterAll(async () => {
  await shell?.stop();
  vi.unstubAllEnvs();
  if (root) await rm(root, { recursive: true, force: true });
});

it('a second launch that came during start-up shows the window once the shell is up', async () => {
  await vi.waitFor(() => expect(FakeBrowserWindow.all[0]?.visible).toBe(true));
  expect(FakeBrowserWindow.all).toHaveLength(1);
});

it('a Dock click (activate) shows it again; a second launch with --hidden does not', async () => {
  const win = FakeBrowserWindow.all[0] as FakeBrowserWindow;
  win.hide();
  const shown = vi.spyOn(win, 'show');
  fakeElectron.app.emitSecondInstance(['keybridge', '--hidden']);
  expect(win.visible).toBe(false);
  fakeElectron.app.emit('activate', {}, false);
  await vi.waitFor(() => expect(win.visible).toBe(true));
  // Handled in order: had the --hidden launch shown the window, it would have done so first.
  expect(shown).toHaveBeenCalledTimes(1);
  shown.mockRestore();
});

it('every web contents is guarded, not only the window’s', () => {
  const stray = new FakeWebContents('app://keybridge/index.html');
  expect(stray.fire('will-navigate', 'https://evil.example/')).toBe(true);
  expect(stray.fire('will-attach-webview', 'https://evil.example/')).toBe(true);
  expect(stray.openWindow('https://evil.example/')).toBe('deny');
});

it('an approval comes up in KeyBridge’s window, shown and focused, with the window as the box’s parent', async () => {
  const win = FakeBrowserWindow.all[0] as FakeBrowserWindow;
  win.hide();
  const shownBefore = fakeElectron.dialog.shown.length;
  const request = { profile: 'mcp-claude', client: { name: 'Cursor', verified: true, exe: '/usr/bin/cursor', pid: 4001, claimedName: 'cursor' } };
  if (!captured.askApproval) throw new Error('the shell gave the core no approval prompt');
  const answer = captured.askApproval(request);
  await vi.waitFor(() => expect(fakeElectron.dialog.shown).toHaveLength(shownBefore + 1));
  expect(fakeElectron.dialog.shown.at(-1)?.parent).toBe(win);
  expect(win.visible).toBe(true);
  expect(win.focused).toBe(true);
  fakeElectron.dialog.answer(0);
  expect(await answer).toBe('allow-once');
});
