// "Move into KeyBridge" end to end in real Chromium against the real main-side services
// (test/support/ui-harness.ts), with assistants' configs as they are in the wild (issue 13): a
// BOM + CRLF Cursor file, the same key in Windsurf, a VS Code local server kept with its key out
// of the file, a Claude Desktop local server whose key names no URL, and a Claude Code file with
// one broken project block. Asserts the page's words, the files' bytes and the vault.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildRenderer, hasChromium, requireChromium, startUiHarness, type UiHarness } from '../support/ui-harness';

const UO_KEY = 'uo_test_e2e_wild_3c5e7a9b1d42';
const UO_LOCAL_KEY = 'uo_test_e2e_wild_local_8f6d';
const UM_KEY = 'umk_live_test_e2e_wild_2b4d6f81';
const RAW_KEYS = [UO_KEY, UO_LOCAL_KEY, UM_KEY];
const UO_URL = 'https://mcp.uptimeobserver.com/mcp';

const CURSOR = '.cursor/mcp.json';
const WINDSURF = '.codeium/windsurf/mcp_config.json';
const VSCODE = '.config/Code/User/mcp.json';
const CLAUDE = '.config/Claude/claude_desktop_config.json';
const CLAUDE_CODE = '.claude.json';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const CURSOR_TEXT = `\uFEFF${json({ mcpServers: { uptime: { url: UO_URL, headers: { 'X-API-Key': UO_KEY } } } }).replace(/\n/g, '\r\n')}`;

let rendererDir: string;
let harness: UiHarness;
const stops: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  if (!hasChromium()) return;
  rendererDir = await mkdtemp(path.join(tmpdir(), 'kb-renderer-'));
  stops.push(() => rm(rendererDir, { recursive: true, force: true }));
  await buildRenderer(rendererDir);
  harness = await startUiHarness({
    rendererDir,
    homeFiles: {
      [CURSOR]: CURSOR_TEXT,
      [WINDSURF]: json({ mcpServers: { uptime: { serverUrl: UO_URL, headers: { Authorization: `Bearer ${UO_KEY}` } } } }),
      [VSCODE]: json({ servers: { 'uptime-local': { type: 'stdio', command: 'npx', args: ['-y', 'uptimeobserver-mcp'], env: { UPTIMEOBSERVER_API_KEY: UO_LOCAL_KEY } } } }),
      [CLAUDE]: json({ mcpServers: { monitoring: { command: 'uptimemonitoring-mcp', env: { UPTIMEMONITORING_API_KEY: UM_KEY } } } }),
      [CLAUDE_CODE]: json({ mcpServers: { uptime: { type: 'http', url: UO_URL, headers: { 'X-API-Key': UO_KEY } } }, projects: { '/src/broken': { mcpServers: [] } } }),
    },
  });
  stops.push(() => harness.close());
}, 120_000);

afterAll(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
}, 30_000);

async function openDialog(page: Page, label: string) {
  const card = page.getByRole('article', { name: label, exact: true });
  await card.getByRole('button', { name: 'Move into KeyBridge' }).click();
  const dialog = page.getByRole('dialog', { name: `Plaintext keys in ${label}` });
  await dialog.getByRole('listitem').first().waitFor();
  return { card, dialog };
}

async function closeDialog(page: Page, label: string) {
  const dialog = page.getByRole('dialog', { name: `Plaintext keys in ${label}` });
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
}

const profileNames = async () => (await harness.core.profiles.list()).map((p) => p.name);

describe('Move into KeyBridge with configs from the wild (Chromium)', () => {
  it('moves, reuses, keeps local and asks, with every word from main and no raw key in the page', async () => {
    requireChromium();
    const { page } = harness;
    await page.getByRole('tab', { name: 'Assistants' }).click();

    // 3 + 8: Cursor's BOM file is read; the name offered is free.
    let { dialog } = await openDialog(page, 'Cursor');
    expect(await dialog.getByLabel('Profile name').inputValue()).toBe('uptime');
    await dialog.getByRole('button', { name: 'Move into KeyBridge' }).click();
    await dialog.getByText("Moved into KeyBridge as uptime. 'uptime' now starts the bridge.").waitFor();
    await closeDialog(page, 'Cursor');
    const cursorAfter = await harness.readConfig(CURSOR);
    expect(cursorAfter.startsWith('\uFEFF{\r\n')).toBe(true);
    expect(cursorAfter).not.toContain(UO_KEY);
    expect(await profileNames()).toEqual(['uptime']);

    // 7: the same key in Windsurf is offered as the existing profile.
    ({ dialog } = await openDialog(page, 'Windsurf'));
    await dialog.getByRole('button', { name: "Use the existing key 'uptime'" }).click();
    await dialog.getByText("'uptime' now uses the key KeyBridge already holds as 'uptime'.").waitFor();
    await closeDialog(page, 'Windsurf');
    expect(JSON.parse(await harness.readConfig(WINDSURF))).toEqual({ mcpServers: { uptime: { command: harness.core.launcherPath, args: ['--profile', 'uptime'], env: expect.any(Object) } } });
    expect(await profileNames()).toEqual(['uptime']);

    // 9: VS Code's local server: the page says what a move would change; the user keeps it.
    ({ dialog } = await openDialog(page, 'VS Code'));
    const note = dialog.getByRole('note');
    expect(await note.textContent()).toContain('uptime-local is a local server: it runs npx -y uptimeobserver-mcp on this computer');
    expect(await dialog.getByRole('button', { name: 'Move into KeyBridge' }).isDisabled()).toBe(true);
    await harness.screenshot('migration-local-server');
    await dialog.getByRole('button', { name: 'Keep the local server, take the key out of the file' }).click();
    await dialog.getByText(/keeps it in its own secret storage/).waitFor();
    await closeDialog(page, 'VS Code');
    const vscode = JSON.parse(await harness.readConfig(VSCODE)) as { servers: Record<string, { env: Record<string, string> }>; inputs: unknown[] };
    expect(vscode.servers['uptime-local']?.env).toEqual({ UPTIMEOBSERVER_API_KEY: '${input:uptime-local-key}' });
    expect(vscode.inputs).toEqual([{ type: 'promptString', id: 'uptime-local-key', description: 'API key for uptime-local (taken out of this file by KeyBridge)', password: true }]);
    expect(await profileNames()).toEqual(['uptime']);

    // 5 + 9: Claude Desktop's UptimeMonitoring key names no URL: the user enters it and agrees.
    ({ dialog } = await openDialog(page, 'Claude Desktop'));
    const url = dialog.getByLabel('MCP URL');
    expect(await url.inputValue()).toBe('');
    await url.fill('https://mcp.uptimemonitoring.example/mcp');
    await dialog.getByLabel('Replace the local server with the bridge to the remote endpoint').check();
    await dialog.getByRole('button', { name: 'Move into KeyBridge' }).click();
    await dialog.getByText("Moved into KeyBridge as monitoring. 'monitoring' now starts the bridge.").waitFor();
    await closeDialog(page, 'Claude Desktop');
    expect(await profileNames()).toEqual(['uptime', 'monitoring']);
    expect((await harness.core.profiles.list()).find((p) => p.name === 'monitoring')?.endpoint).toBe('https://mcp.uptimemonitoring.example/mcp');

    // 6: Claude Code's broken project block is on its card and in the dialog; its key is offered.
    const claudeCode = page.getByRole('article', { name: 'Claude Code', exact: true });
    await claudeCode.getByText(/"mcpServers" must be an object of servers, but it is a list/).waitFor();
    ({ dialog } = await openDialog(page, 'Claude Code'));
    expect(await dialog.getByRole('alert').first().textContent()).toContain(`${path.join(harness.homeDir, CLAUDE_CODE)}:`);
    await dialog.getByRole('button', { name: "Use the existing key 'uptime'" }).waitFor();
    await closeDialog(page, 'Claude Code');

    for (const message of harness.wire) for (const key of RAW_KEYS) expect(message).not.toContain(key);
    const html = await page.content();
    for (const key of RAW_KEYS) expect(html).not.toContain(key);
    expect(harness.problems()).toEqual([]);
  }, 120_000);
});
