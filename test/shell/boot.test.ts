// Boots the real main process (src-main/shell/main.ts) against a fake `electron` module —
// mocked because the Electron binary cannot run here (npm fetches it from outside the package
// registry) — with a temp HOME and userData, a real agent socket, the fake vendor endpoint on
// 127.0.0.1 and real bridge processes (dist/bridge.js). Everything else is real: the vault
// (with a test safeStorage), the agent, the client installers, the tray model, IPC handlers.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS, type InvokeResult } from '../../src-shared/ipc-contract';
import type { KeyBridgeApi } from '../../src-shared/preload-api';
import { FOREIGN_SENDER_ERROR } from '../../src-main/shell/ipc';
import { CONTENT_SECURITY_POLICY } from '../../src-main/shell/security';
import type { Shell } from '../../src-main/shell/shell';
import { fakeElectron, findMenuItem, FakeBrowserWindow, FakeFrame, FakeNotification, FakeTray, FakeWebContents } from '../support/fake-electron';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';

// The Electron binary cannot run here: the shell gets the recording fake instead.
vi.mock('electron', async () => (await import('../support/fake-electron')).fakeElectronModule());

const ROOT = resolve(__dirname, '../..');
const KEY = 'uo_test_boot0a1b2c3d4e5f6a7b';
const KEY_2 = 'uo_test_boot9f8e7d6c5b4a3f2e';

let root: string;
let home: string;
let socketPath: string;
let vendor: FakeVendor;
let shell: Shell;
let win: FakeBrowserWindow;
let tray: FakeTray;

function buildIfMissing(): void {
  if (!existsSync(join(ROOT, 'dist', 'bridge.js'))) execFileSync(process.execPath, ['scripts/build.mjs', 'bridge'], { cwd: ROOT });
  if (!existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT });
  }
}

/** IPC as the page sends it: from our window's main frame unless told otherwise. */
function invokeAs(sender: FakeWebContents, frame: FakeFrame | null, channel: string, args: unknown): Promise<InvokeResult<unknown>> {
  return fakeElectron.ipcMain.invokeFrom(sender, frame, channel, args) as Promise<InvokeResult<unknown>>;
}
const invoke = (channel: string, args: unknown) => invokeAs(win.webContents, win.webContents.mainFrame, channel, args);
async function ok<T = unknown>(channel: string, args: unknown): Promise<T> {
  const result = await invoke(channel, args);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error}`);
  return result.value as T;
}

function menu(): MenuItemConstructorOptions[] {
  if (!tray.menu) throw new Error('the tray has no menu');
  return tray.menu.items;
}
function click(label: string | RegExp): void {
  const item = findMenuItem(menu(), label);
  if (!item.click) throw new Error(`menu item ${String(label)} has no click handler`);
  (item.click as () => void)();
}
const notificationTitles = () => FakeNotification.shown.map((n) => n.options.title);
const navigations = () => win.webContents.sent.filter((m) => m.channel === 'app:navigate').map((m) => m.payload);

beforeAll(async () => {
  buildIfMissing();
  root = await mkdtemp(join(tmpdir(), 'kb-boot-'));
  home = join(root, 'home');
  socketPath = join(root, 'agent.sock');
  await mkdir(join(home, '.config', 'Claude'), { recursive: true });
  await mkdir(join(home, '.cursor'), { recursive: true });
  vi.stubEnv('KEYBRIDGE_AGENT_SOCKET', socketPath);
  vi.stubEnv('XDG_CONFIG_HOME', join(home, '.config'));
  vi.stubEnv('CLAUDE_CONFIG_DIR', '');
  vi.stubEnv('APPIMAGE', '');
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY, KEY_2] });

  const { app, protocol } = fakeElectron;
  app.paths = { home, userData: join(root, 'userData') };
  app.appPath = ROOT;
  const { booted } = await import('../../src-main/shell/main');
  // Registered before `ready`, as Electron requires.
  expect(protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
  app.emitReady();
  const started = await booted;
  if (!started) throw new Error('the shell did not start');
  shell = started;
  win = FakeBrowserWindow.all[0] as FakeBrowserWindow;
  tray = FakeTray.all[0] as FakeTray;
});

afterAll(async () => {
  if (shell && !FakeTray.all[0]?.destroyed) await shell.stop();
  await vendor?.close();
  vi.unstubAllEnvs();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('the window', () => {
  it('is sandboxed, context-isolated, without Node, and loads our page only', async () => {
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: join(ROOT, 'dist', 'preload.js'),
    });
    // Loaded through the app:// handler (the fake's loadURL rejects as Electron's would otherwise).
    await vi.waitFor(() => expect(win.loaded).toEqual(['app://keybridge/index.html']));
    expect(win.visible).toBe(true);
  });

  it('serves the built renderer over app:// with a strict CSP and nothing outside it', async () => {
    const page = await fakeElectron.protocol.fetch('app://keybridge/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(await page.text()).toContain('<div id="root">');
    for (const url of ['app://keybridge/%2e%2e/%2e%2e/package.json', 'app://keybridge/../../package.json', 'app://elsewhere/index.html', 'app://keybridge/missing.js']) {
      expect((await fakeElectron.protocol.fetch(url)).status).toBe(404);
    }
  });

  it('denies navigation, redirects, webviews and new windows; allow-listed links open in the browser', () => {
    const contents = win.webContents;
    const opened = fakeElectron.shell.opened;
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-attach-webview', 'https://evil.example/')).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'http://uptimeobserver.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'https://app.uptimeobserver.com/integrations/mcp' })).toEqual({ action: 'deny' });
    expect(contents.fire('will-navigate', 'https://modelcontextprotocol.io/docs')).toBe(true);
    return vi.waitFor(() => expect(opened).toEqual(['https://app.uptimeobserver.com/integrations/mcp', 'https://modelcontextprotocol.io/docs']));
  });

  it('denies every permission request and check', () => {
    const session = fakeElectron.session.defaultSession;
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation']) session.permissionRequestHandler?.(win.webContents, permission, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false]);
    expect(session.permissionCheckHandler?.(win.webContents, 'clipboard-sanitized-write')).toBe(false);
    expect(session.devicePermissionHandler?.({ deviceType: 'usb' })).toBe(false);
  });

  it('hides instead of closing (the app lives in the tray), and a second launch shows it again', async () => {
    expect(win.userClose()).toBe(true);
    expect(win.visible).toBe(false);
    const shown = vi.spyOn(win, 'show');
    fakeElectron.app.emit('second-instance', {}, ['keybridge', '--hidden'], ROOT);
    expect(win.visible).toBe(false);
    fakeElectron.app.emit('second-instance', {}, ['keybridge'], ROOT);
    await vi.waitFor(() => expect(win.visible).toBe(true));
    // Handled in order: had the --hidden launch shown the window, it would have done so first.
    expect(shown).toHaveBeenCalledTimes(1);
    shown.mockRestore();
    win.hide();
    fakeElectron.app.emit('activate');
    await vi.waitFor(() => expect(win.visible).toBe(true));
  });
});

describe('IPC', () => {
  it('registers exactly the contract channels', () => {
    expect([...fakeElectron.ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('refuses every channel from a foreign sender: another window, a subframe, another origin, no frame', async () => {
    const other = new FakeWebContents('app://keybridge/index.html');
    const subframe = new FakeFrame('app://keybridge/index.html');
    for (const channel of INVOKE_CHANNELS) {
      expect(await invokeAs(other, other.mainFrame, channel, [])).toEqual({ ok: false, error: FOREIGN_SENDER_ERROR });
      expect(await invokeAs(win.webContents, subframe, channel, [])).toEqual({ ok: false, error: FOREIGN_SENDER_ERROR });
      expect(await invokeAs(win.webContents, null, channel, [])).toEqual({ ok: false, error: FOREIGN_SENDER_ERROR });
    }
    const frame = win.webContents.mainFrame;
    frame.url = 'https://evil.example/';
    try {
      expect(await invoke('profiles:list', [])).toEqual({ ok: false, error: FOREIGN_SENDER_ERROR });
    } finally {
      frame.url = 'app://keybridge/index.html';
    }
  });

  it('refuses bad arguments on every channel that takes any', async () => {
    for (const channel of INVOKE_CHANNELS) {
      const result = await invoke(channel, [{ unexpected: true }, 'extra', 42]);
      expect(result).toEqual({ ok: false, error: expect.stringMatching(new RegExp(`^Invalid request ${channel}`)) });
    }
    expect(await invoke('profiles:list', 'not an array')).toEqual({ ok: false, error: expect.stringMatching(/^Invalid request profiles:list/) });
  });
});

describe('the preload', () => {
  let api: KeyBridgeApi;

  it('exposes only named actions as window.keybridge, wired to ipcRenderer', async () => {
    fakeElectron.ipcRenderer.attach(win.webContents);
    await import('../../src-main/shell/preload');
    expect([...fakeElectron.contextBridge.exposed.keys()]).toEqual(['keybridge']);
    api = fakeElectron.contextBridge.exposed.get('keybridge') as KeyBridgeApi;
    expect(Object.keys(api).sort()).toEqual(['activity', 'app', 'clients', 'clipboard', 'decisions', 'migration', 'notices', 'profiles', 'settings']);
    const names = Object.values(api).flatMap((group) => Object.keys(group));
    expect(names).not.toContain('invoke');
    expect(names).not.toContain('send');
    expect(Object.values(api).every((group) => Object.values(group).every((fn) => typeof fn === 'function'))).toBe(true);
    expect(await api.profiles.list()).toEqual({ ok: true, value: [] });
  });

  it('adds a key pasted from the clipboard, and subscriptions hear the change and can unsubscribe', async () => {
    const heard: string[][] = [];
    const unsubscribe = api.profiles.onChanged((profiles) => heard.push(profiles.map((p) => p.name)));
    expect(fakeElectron.ipcRenderer.listenerCount('profiles:changed')).toBe(1);

    await fakeElectron.clipboard.writeText(`Bearer ${KEY}`);
    const pasted = await api.clipboard.pasteKey();
    if (!pasted.ok) throw new Error(pasted.error);
    expect(pasted.value).toMatchObject({ masked: `uo_…${KEY.slice(-4)}`, detectedVendor: 'uptimeobserver', problem: null });
    const added = await api.profiles.add({ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key: { source: 'clipboard', fingerprint: pasted.value.fingerprint } });
    expect(added).toMatchObject({ ok: true, value: { name: 'mcp-claude', state: 'ok' } });
    await vi.waitFor(() => expect(heard).toContainEqual(['mcp-claude']));

    unsubscribe();
    expect(fakeElectron.ipcRenderer.listenerCount('profiles:changed')).toBe(0);
    // Nothing the window received carries the key.
    expect(JSON.stringify(win.webContents.sent)).not.toContain(KEY);
  });
});

describe('the tray', () => {
  it('is built from the vault and rebuilt when a profile is added (no polling)', async () => {
    await vi.waitFor(() => expect(findMenuItem(menu(), /^mcp-claude — working/).label).toBe('mcp-claude — working'));
    await shell.tray.settled();
    const builds = tray.menuBuilds;
    // The menu follows events, and an event that changes nothing it shows rebuilds nothing:
    // settings saved as they are (settings:changed, then the storage re-read it triggers).
    await ok('settings:update', [{}]);
    await shell.tray.settled();
    expect(tray.menuBuilds).toBe(builds);
    expect(tray.image.path).toBe(join(ROOT, 'build', 'tray', 'tray-ok.png'));
    expect(tray.image.isEmpty()).toBe(false);
    expect(tray.tooltip).toBe('KeyBridge — 1 key working');
    expect(menu().map((i) => i.label ?? i.type)).toEqual([
      'Open KeyBridge',
      'separator',
      'mcp-claude — working',
      'separator',
      'Add key…',
      'Test all keys',
      'separator',
      'Launch at login',
      'Quit KeyBridge',
    ]);
  });

  it('Open KeyBridge shows the window', async () => {
    win.hide();
    click('Open KeyBridge');
    await vi.waitFor(() => expect(win.visible).toBe(true));
  });

  it("Add key… and a key's Rotate… open the window on that screen", async () => {
    win.hide();
    click('Add key…');
    await vi.waitFor(() => expect(navigations()).toContainEqual({ screen: 'keys', action: 'add-key', profile: null }));
    expect(win.visible).toBe(true);
    click('Rotate…');
    await vi.waitFor(() => expect(navigations()).toContainEqual({ screen: 'keys', action: 'rotate', profile: 'mcp-claude' }));
  });

  it('Test all keys verifies against the vendor and says so', async () => {
    const before = vendor.requests.length;
    click('Test all keys');
    await vi.waitFor(() => expect(notificationTitles()).toContain('All keys work'));
    expect(vendor.requests.slice(before).some((r) => r.xApiKey === KEY)).toBe(true);
  });

  it('clicking a notification opens the window', async () => {
    win.hide();
    FakeNotification.shown.at(-1)?.emit('click');
    await vi.waitFor(() => expect(win.visible).toBe(true));
  });

  it('"Connect to" lists every assistant; connecting one writes its entry (no key) and says what it needs next', async () => {
    const connectTo = findMenuItem(menu(), 'Connect to');
    expect((connectTo.submenu as { label: string }[]).map((i) => i.label.replace(/ \(not found\)$/, ''))).toEqual(['Claude Desktop', 'Claude Code', 'Cursor', 'VS Code', 'VS Code Insiders', 'Windsurf']);
    await mkdir(join(home, '.cursor'), { recursive: true });
    click(/^Cursor( \(not found\))?$/);
    await vi.waitFor(() => expect(notificationTitles()).toContain('Cursor connected to mcp-claude'));
    expect(FakeNotification.shown.at(-1)?.options.body).toBe('Cursor loads it by itself; check it is turned on in Cursor Settings → MCP.');
    const cursor = await readFile(join(home, '.cursor', 'mcp.json'), 'utf8');
    expect(JSON.parse(cursor).mcpServers['keybridge-mcp-claude'].args).toEqual(['--profile', 'mcp-claude']);
    expect(cursor).not.toContain(KEY);
    await vi.waitFor(() => expect(findMenuItem(menu(), 'Cursor')).toMatchObject({ type: 'checkbox', checked: true, enabled: false }));
  });

  it("a key's Test runs a real connection; clicking a notification about a key opens that key", async () => {
    click('Pause');
    await vi.waitFor(() => expect(findMenuItem(menu(), /^mcp-claude — /).label).toMatch(/^mcp-claude — paused/));
    click('Test');
    await vi.waitFor(() => expect(notificationTitles()).toContain('mcp-claude failed'), { timeout: 30_000 });
    win.hide();
    FakeNotification.shown.at(-1)?.emit('click');
    await vi.waitFor(() => expect(navigations()).toContainEqual({ screen: 'keys', action: null, profile: 'mcp-claude' }));
    expect(win.visible).toBe(true);
    click('Resume');
    await vi.waitFor(() => expect(findMenuItem(menu(), /^mcp-claude — /).label).toMatch(/^mcp-claude — working/));
  }, 40_000);

  it('Pause / Resume <profile> pauses the profile and the menu follows', async () => {
    click('Pause');
    await vi.waitFor(() => expect(findMenuItem(menu(), /^mcp-claude — /).label).toMatch(/^mcp-claude — paused/));
    expect((await ok<{ paused: boolean }[]>('profiles:list', []))[0]?.paused).toBe(true);
    click('Resume');
    await vi.waitFor(() => expect(findMenuItem(menu(), /^mcp-claude — /).label).toMatch(/^mcp-claude — working/));
  });

  it('Launch at login writes and removes the autostart entry; the checkbox follows', async () => {
    const file = join(home, '.config', 'autostart', 'keybridge.desktop');
    expect(findMenuItem(menu(), 'Launch at login')).toMatchObject({ type: 'checkbox', checked: false });
    click('Launch at login');
    await vi.waitFor(() => expect(findMenuItem(menu(), 'Launch at login').checked).toBe(true));
    expect(await readFile(file, 'utf8')).toMatch(/^Exec=.* --hidden$/m);
    click('Launch at login');
    await vi.waitFor(() => expect(findMenuItem(menu(), 'Launch at login').checked).toBe(false));
    expect(existsSync(file)).toBe(false);
  });
});

describe('the agent, approvals and notifications', () => {
  /** An assistant: a shell that stays the bridge's parent, running the installed config's entry. */
  let entry: { command: string; args: string[]; env?: Record<string, string> };
  const assistants: Client[] = [];
  async function assistant(name = 'claude-ai'): Promise<Client> {
    const transport = new StdioClientTransport({ command: '/bin/sh', args: ['-c', '"$0" "$@"; exit $?', entry.command, ...entry.args], env: { ...entry.env, PATH: process.env.PATH ?? '', HOME: home }, stderr: 'pipe' });
    const client = new Client({ name, version: '1.0.0' });
    assistants.push(client);
    await client.connect(transport);
    return client;
  }
  afterAll(async () => {
    for (const client of assistants) await client.close().catch(() => undefined);
  });

  it('the agent listens on the socket from the environment, and the launcher is written', async () => {
    expect(shell.core.socketPath).toBe(socketPath);
    expect(await readFile(join(home, '.keybridge', 'bin', 'keybridge-bridge'), 'utf8')).toContain(join(ROOT, 'dist', 'bridge.js'));
    const connected = await ok<{ configPath: string }>('clients:connect', [{ client: 'claude-desktop', profile: 'mcp-claude' }]);
    entry = JSON.parse(await readFile(connected.configPath, 'utf8')).mcpServers['keybridge-mcp-claude'];
  });

  it('asks in KeyBridge’s window, brought to the front; Allow once covers that assistant process only', async () => {
    win.hide();
    const shownBefore = fakeElectron.dialog.shown.length;
    const first = assistant();
    await vi.waitFor(() => expect(fakeElectron.dialog.shown).toHaveLength(shownBefore + 1), { timeout: 10_000 });
    const box = fakeElectron.dialog.shown.at(-1);
    expect(box).toMatchObject({ message: expect.stringMatching(/ wants to use the key 'mcp-claude'\.$/), parent: win });
    expect(box?.buttons?.[0]).toBe('Allow once');
    expect(win.visible && win.focused).toBe(true);
    expect(notificationTitles()).toContain('An app asks for a key');
    fakeElectron.dialog.answer(0);
    // A REAL bridge end to end: the vendor sees the key, the assistant never does.
    const tools = await (await first).listTools();
    expect(tools.tools.length).toBeGreaterThan(0);
    expect(vendor.requests.filter((r) => r.rpcMethods.includes('tools/list')).at(-1)?.xApiKey).toBe(KEY);
    await vi.waitFor(() => expect(findMenuItem(menu(), /^mcp-claude — /).label).toMatch(/^mcp-claude — working · /));
    expect((await ok<unknown[]>('activity:sessions', [])).length).toBeGreaterThan(0);
    // Another process of the same assistant is asked again; closing the box answers "not now".
    const again = assistant();
    await vi.waitFor(() => expect(fakeElectron.dialog.shown).toHaveLength(shownBefore + 2), { timeout: 10_000 });
    fakeElectron.dialog.answer((fakeElectron.dialog.shown.at(-1)?.cancelId as number | undefined) ?? 3);
    await expect(again).rejects.toThrow(/mcp-claude/);
    expect((await ok<{ client: string }[]>('decisions:list', [])).filter((d) => !d.client.startsWith('assistant:'))).toEqual([]);
  });

  it('Always allow is remembered and listed; revoked, the next process is asked again', async () => {
    const shownBefore = fakeElectron.dialog.shown.length;
    fakeElectron.dialog.answer(1);
    await assistant();
    await assistant();
    expect(fakeElectron.dialog.shown).toHaveLength(shownBefore + 1);
    // (Connecting Claude Desktop and Cursor earlier left pre-approvals for those assistants; this
    // test program is neither, so it was asked.)
    const programs = async () => (await ok<{ client: string; profile: string; decision: string }[]>('decisions:list', [])).filter((d) => !d.client.startsWith('assistant:'));
    const decisions = await programs();
    expect(decisions).toEqual([expect.objectContaining({ profile: 'mcp-claude', decision: 'allow' })]);
    expect(await ok('decisions:revoke', [{ client: decisions[0]?.client, profile: 'mcp-claude' }])).toBeUndefined();
    expect(await programs()).toEqual([]);
    fakeElectron.dialog.answer(2);
    await expect(assistant()).rejects.toThrow(/mcp-claude/);
    expect(fakeElectron.dialog.shown).toHaveLength(shownBefore + 2);
  });

  it('test connection runs the bridge as the assistant would, without asking the user', async () => {
    const shownBefore = fakeElectron.dialog.shown.length;
    const result = await ok<{ ok: boolean; message?: string }>('profiles:test-connection', ['mcp-claude']);
    expect(result.message).toBeUndefined();
    expect(result).toMatchObject({ ok: true, toolCount: expect.any(Number), roundTripMs: expect.any(Number) });
    expect(fakeElectron.dialog.shown).toHaveLength(shownBefore);
  });
});

describe('every remaining channel, from the window', () => {
  it('answers each channel on the contract', async () => {
    const answered = new Set<string>(['clipboard:paste-key', 'profiles:add', 'profiles:list', 'decisions:list', 'decisions:revoke', 'clients:connect', 'activity:sessions', 'profiles:test-connection']);
    const call = async (channel: string, args: unknown[]) => {
      answered.add(channel);
      return ok(channel, args);
    };
    await call('profiles:update', [{ name: 'mcp-claude', note: 'boot test' }]);
    // A rename and back: the entries and decisions follow the name both ways.
    expect(await call('profiles:rename', [{ name: 'mcp-claude', newName: 'mcp-claude-2' }])).toMatchObject({ name: 'mcp-claude-2' });
    await call('profiles:rename', [{ name: 'mcp-claude-2', newName: 'mcp-claude' }]);
    await call('profiles:verify', ['mcp-claude']);
    await call('profiles:verify-all', []);
    await call('profiles:rotate', [{ name: 'mcp-claude', key: { source: 'typed', key: KEY_2 } }]);
    await call('profiles:rollback', ['mcp-claude']);
    await call('profiles:rotate', [{ name: 'mcp-claude', key: { source: 'typed', key: KEY_2 } }]);
    vendor.revokeKey(KEY); // confirm-revoked checks that the vendor now refuses the old key
    await call('profiles:confirm-revoked', ['mcp-claude']);
    await call('profiles:reenter', [{ name: 'mcp-claude', key: { source: 'typed', key: KEY_2 } }]);
    await call('profiles:set-paused', [{ name: 'mcp-claude', paused: false }]);
    await call('clients:list', []);
    await call('clients:snippet', [{ client: 'cursor', profile: 'mcp-claude' }]);
    // Main builds the install link itself and opens it (the page never hands over a link).
    const openedBefore = fakeElectron.shell.opened.length;
    await call('clients:open-install-link', [{ client: 'cursor', profile: 'mcp-claude' }]);
    expect(fakeElectron.shell.opened.slice(openedBefore)).toEqual([expect.stringMatching(/^cursor:\/\//)]);
    await call('clients:copy-snippet', [{ client: 'claude-desktop', profile: 'mcp-claude' }]);
    await call('clients:disconnect', [{ client: 'claude-desktop', profile: 'mcp-claude' }]);
    const project = join(fakeElectron.app.getPath('home'), 'work', 'site');
    await mkdir(project, { recursive: true });
    expect(await call('clients:add-project', [{ dir: project }])).toEqual(expect.arrayContaining([expect.objectContaining({ projectDir: project })]));
    expect(await call('clients:remove-project', [{ dir: project }])).not.toEqual(expect.arrayContaining([expect.objectContaining({ projectDir: project })]));
    await call('migration:scan', []);
    expect(await invoke('migration:migrate', [{ findingId: 'none', profile: 'mcp-x' }])).toEqual({ ok: false, error: expect.stringMatching(/no longer where it was found/) });
    answered.add('migration:migrate');
    await call('activity:events', []);
    await call('settings:get', []);
    await call('settings:update', [{ logLevel: 'debug' }]);
    await call('settings:storage', []);
    await call('notices:list', []);
    expect(await invoke('notices:dismiss', ['none'])).toEqual({ ok: false, error: 'That notice is no longer shown.' });
    answered.add('notices:dismiss');
    expect(await invoke('notices:act', ['none'])).toEqual({ ok: false, error: 'That notice has no file to show.' });
    answered.add('notices:act');
    await call('app:open-external', ['https://uptimemonitoring.com/docs']);
    // The log file the shell writes, shown in the file manager.
    await call('app:open-logs', []);
    expect(fakeElectron.shell.shown.at(-1)).toBe(join(fakeElectron.app.getPath('userData'), 'logs', 'keybridge.log'));
    expect(existsSync(join(fakeElectron.app.getPath('userData'), 'logs', 'keybridge.log'))).toBe(true);
    await call('profiles:remove', ['mcp-claude']);
    expect([...answered].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(JSON.stringify(win.webContents.sent)).not.toContain(KEY_2);
    await vi.waitFor(() => expect(findMenuItem(menu(), 'No keys yet').enabled).toBe(false));
  });
});

describe('Quit', () => {
  it('stops the agent and the tray, then quits', async () => {
    click('Quit KeyBridge');
    await vi.waitFor(() => expect(tray.destroyed).toBe(true));
    await vi.waitFor(() => expect(existsSync(socketPath)).toBe(false));
    await vi.waitFor(() => expect(fakeElectron.app.quitCalls).toBe(2));
    expect([...fakeElectron.ipcMain.handlers.keys()]).toEqual([]);
  });
});
