// The settings window end to end in real Chromium, against the real main-side services
// (test/support/ui-harness.ts): add keys (typed and pasted through main) → verify → connect
// Claude Desktop (the file in the temp HOME) → a real bridge process serves traffic and
// Activity shows it → rotate an UptimeMonitoring key with the live countdown → roll back →
// remove. Screenshots of every screen, light and dark, go to test-output/screenshots.
// Throughout, the raw keys must not reach the DOM, any IPC result or event, or page storage.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Page } from 'playwright-core';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { buildRenderer, hasChromium, requireChromium, startUiHarness, type UiHarness } from '../support/ui-harness';

const UO_KEY = 'uo_test_e2e_4f9c2a7b1e3d1a2b';
const UM_KEY = 'umk_live_test_e2e_9a8b7c6d3a2b';
const UM_NEW_KEY = 'umk_live_test_e2e_new_5e6f0c0d';
/** Sits in plaintext in Cursor's config until the user moves it into KeyBridge. */
const PLAINTEXT_KEY = 'uo_test_e2e_plain_77aa88bb';
const RAW_KEYS = [UO_KEY, UM_KEY, UM_NEW_KEY, PLAINTEXT_KEY];
const CLAUDE_CONFIG = '.config/Claude/claude_desktop_config.json';
const CURSOR_CONFIG = '.cursor/mcp.json';

let rendererDir: string;
let harness: UiHarness;
let observer: FakeVendor;
let monitoring: FakeVendor;
const stops: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  // Without Chromium every test below FAILS (locally and in CI): this suite is the renderer's
  // only real-browser check, so it must never pass by skipping.
  if (!hasChromium()) return;
  rendererDir = await mkdtemp(path.join(tmpdir(), 'kb-renderer-'));
  stops.push(() => rm(rendererDir, { recursive: true, force: true }));
  await buildRenderer(rendererDir);
  observer = await startFakeVendor({ vendor: 'uptimeobserver', keys: [UO_KEY, PLAINTEXT_KEY] });
  stops.push(() => observer.close());
  monitoring = await startFakeVendor({ vendor: 'uptimemonitoring', keys: [UM_KEY] });
  stops.push(() => monitoring.close());
  harness = await startUiHarness({
    rendererDir,
    // A store that no longer parses: main moves it aside and says so in the notices banner.
    userDataFiles: { 'keybridge-vault.json': '{"profiles": [' },
    homeFiles: { [CURSOR_CONFIG]: JSON.stringify({ mcpServers: { uptime: { url: observer.url, headers: { 'X-API-Key': PLAINTEXT_KEY } } } }, null, 2) },
  });
  stops.push(() => harness.close());
}, 120_000);

afterAll(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
}, 30_000);

/** The raw keys appear nowhere the page can see or keep. */
async function expectNoRawKeyInPage(page: Page): Promise<void> {
  const html = await page.content();
  const inputs = await page.locator('input, textarea, select').evaluateAll((elements) =>
    elements.map((element) => (element as HTMLInputElement).value),
  );
  const stored = await page.evaluate(async () => {
    const dump = (storage: Storage) => Object.entries({ ...storage }).join('\n');
    const databases = await indexedDB.databases();
    return { local: dump(localStorage), session: dump(sessionStorage), databases: JSON.stringify(databases) };
  });
  for (const key of RAW_KEYS) {
    expect(html).not.toContain(key);
    for (const value of inputs) expect(value).not.toContain(key);
    expect(stored.local).not.toContain(key);
    expect(stored.session).not.toContain(key);
    expect(stored.databases).not.toContain(key);
    for (const message of harness.wire) expect(message).not.toContain(key);
  }
  expect(stored.databases).toBe('[]');
}

async function openScreen(page: Page, name: 'Keys' | 'Clients' | 'Activity' | 'Settings'): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await page.getByRole('heading', { level: 2, name }).waitFor();
}

describe('settings window in Chromium', () => {
  it("runs in Debian's Chromium", () => {
    requireChromium();
    expect(harness).toBeDefined();
  });

  it('handles focus in dialogs: focus moves in, stays in, Escape closes, focus returns', async () => {
    requireChromium();
    const { page } = harness;
    await page.getByText('No keys yet').waitFor();
    const notices = page.getByRole('region', { name: 'Notices' });
    await notices.waitFor();
    expect(await notices.textContent()).toMatch(/moved aside|corrupt|unreadable/i);
    await harness.screenshot('keys-empty');
    await notices.getByRole('button', { name: 'Dismiss' }).first().click();
    await notices.waitFor({ state: 'detached' });
    const opener = page.getByRole('button', { name: 'Add key…' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add key' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement === document.body || document.activeElement?.closest('dialog') !== null)).toBe(true);
    }
    // A visible focus ring on whatever has focus.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).toBe('solid');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Add key…');

    // The screens are a tab list: arrow keys move between them.
    await page.getByRole('tab', { name: 'Keys' }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('tab', { name: 'Clients' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Clients');
    await page.keyboard.press('ArrowUp');
    await page.getByRole('heading', { level: 2, name: 'Keys' }).waitFor();
  });

  it('adds, verifies, connects, serves, rotates with the countdown, rolls back and removes', async () => {
    requireChromium();
    const { page } = harness;

    // ---- add a key by typing it -------------------------------------------------------------
    await page.getByRole('button', { name: 'Add key…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Add key' });
    await dialog.getByLabel('API key').fill(UO_KEY);
    expect(await dialog.getByLabel('Vendor').inputValue()).toBe('uptimeobserver');
    expect(await dialog.getByLabel('MCP endpoint').inputValue()).toBe('https://mcp.uptimeobserver.com/mcp');
    await dialog.getByLabel('MCP endpoint').fill(observer.url);
    expect(await dialog.getByLabel('Name', { exact: true }).inputValue()).toBe('mcp-claude');
    await dialog.getByRole('button', { name: 'Verify & save' }).click();
    dialog = page.getByRole('dialog', { name: 'Key saved' });
    await dialog.getByText('Connected to').waitFor();
    expect(await dialog.getByRole('status').textContent()).toMatch(/^Connected to .+ · \d+ tools · \d+ ms round trip$/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(observer.requests.some((request) => request.key === UO_KEY && request.xApiKey === UO_KEY && request.authorization === undefined)).toBe(true);

    // ---- add a second key with the Paste button (main reads the clipboard) ---------------------
    harness.clipboard.text = `Bearer ${UM_KEY}\n`;
    await page.getByRole('button', { name: 'Add key…' }).click();
    dialog = page.getByRole('dialog', { name: 'Add key' });
    await dialog.getByRole('button', { name: 'Paste' }).click();
    await dialog.getByText('umk_live_…3a2b').waitFor();
    expect(await dialog.getByLabel('Vendor').inputValue()).toBe('uptimemonitoring');
    await dialog.getByLabel('MCP endpoint').fill(monitoring.url);
    await dialog.getByRole('button', { name: 'ci-prod' }).click();
    await harness.screenshot('add-key');
    await dialog.getByRole('button', { name: 'Verify & save' }).click();
    dialog = page.getByRole('dialog', { name: 'Key saved' });
    await dialog.getByText('Connected to').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expectNoRawKeyInPage(page);

    // ---- Keys: both verified; test connection -----------------------------------------------------
    const claudeCard = page.getByRole('article', { name: 'mcp-claude' });
    await claudeCard.getByText('Working').waitFor();
    await page.getByRole('article', { name: 'ci-prod' }).getByText('Working').waitFor();
    expect(await claudeCard.getByText('uo_…1a2b').count()).toBe(1);
    await claudeCard.getByRole('button', { name: 'Test connection' }).click();
    // Test connection starts the real bridge through the launcher (it gives up after 20 s).
    await claudeCard.locator('.probe').waitFor({ timeout: 45_000 });
    expect(await claudeCard.locator('.probe').textContent()).toMatch(/^Connected to fake-uptimeobserver 1\.0\.0 · \d+ tools · \d+ ms round trip$/);
    await harness.screenshot('keys');

    // ---- Clients: connect Claude Desktop --------------------------------------------------------
    await openScreen(page, 'Clients');
    const claude = page.getByRole('article', { name: 'Claude Desktop' });
    await claude.getByLabel('Profile').selectOption('mcp-claude');
    await claude.getByRole('button', { name: 'Connect' }).click();
    await claude.getByText('Connected', { exact: true }).waitFor();
    await claude.getByRole('list', { name: 'Profiles connected to Claude Desktop' }).getByText('mcp-claude').waitFor();
    const configText = await harness.readConfig(CLAUDE_CONFIG);
    for (const key of RAW_KEYS) expect(configText).not.toContain(key);
    const config = JSON.parse(configText) as { mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }> };
    const entry = config.mcpServers['keybridge-mcp-claude'];
    expect(entry?.args).toEqual(['--profile', 'mcp-claude']);
    // Cursor's config holds a plaintext key: warned about, and moved into KeyBridge on request.
    const cursor = page.getByRole('article', { name: 'Cursor' });
    await cursor.getByText('A plaintext API key was found in this config.').waitFor();
    await harness.screenshot('clients');
    await cursor.getByRole('button', { name: 'Move into KeyBridge' }).click();
    dialog = page.getByRole('dialog', { name: 'Plaintext keys in Cursor' });
    await dialog.getByText('uo_…88bb').waitFor();
    const movedAs = await dialog.getByLabel('Profile name').inputValue();
    await dialog.getByRole('button', { name: 'Move into KeyBridge' }).click();
    await dialog.getByText(`Moved into KeyBridge as ${movedAs}.`).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    await cursor.getByText('A plaintext API key was found in this config.').waitFor({ state: 'detached' });
    expect(await harness.readConfig(CURSOR_CONFIG)).not.toContain(PLAINTEXT_KEY);

    await claude.getByRole('button', { name: 'Show snippet' }).first().click();
    dialog = page.getByRole('dialog', { name: 'Claude Desktop · mcp-claude' });
    await dialog.getByLabel('Config snippet').waitFor();
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByRole('button', { name: 'Copied' }).waitFor();
    expect(harness.clipboard.text).toContain('--profile');
    expect(harness.clipboard.text).not.toContain(UO_KEY);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // ---- a real bridge, started the way Claude Desktop would, serves traffic ----------------------
    if (!entry) throw new Error('no bridge entry');
    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: { ...getDefaultEnvironment(), ...entry.env, KEYBRIDGE_AGENT_SOCKET: harness.core.socketPath },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'claude-ai', version: '0.9.0' });
    try {
      await client.connect(transport);
      const echoed = await client.callTool({ name: 'echo', arguments: { text: 'hello through KeyBridge' } });
      expect(JSON.stringify(echoed.content)).toContain('hello through KeyBridge');
      await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });

      await openScreen(page, 'Activity');
      const row = page.getByRole('row').filter({ hasText: 'mcp-claude' });
      await row.waitFor({ timeout: 10_000 });
      await page.waitForFunction(
        () => {
          const cells = [...document.querySelectorAll('tbody tr')].find((tr) => tr.textContent?.includes('mcp-claude'))?.querySelectorAll('td');
          return cells !== undefined && Number(cells[4]?.textContent) >= 2 && cells[3]?.textContent === 'OK';
        },
        undefined,
        { timeout: 10_000 },
      );
      await page.getByRole('list', { name: 'Recent events' }).getByText("Connected Claude Desktop to 'mcp-claude'.").waitFor();
      await harness.screenshot('activity');
    } finally {
      await client.close();
    }

    // ---- Settings --------------------------------------------------------------------------------
    await openScreen(page, 'Settings');
    await page.getByText('Remembered decisions').waitFor();
    const atLogin = page.getByRole('switch', { name: 'Launch KeyBridge at login' });
    await atLogin.click(); // controlled by main's answer, so it flips once main has saved it
    await expect.poll(() => atLogin.isChecked()).toBe(true);
    await expect.poll(async () => (await harness.core.settings.get()).launchAtLogin).toBe(true);
    await harness.screenshot('settings');

    // ---- rotate the UptimeMonitoring key: live countdown, then roll back ---------------------------
    monitoring.rotate(UM_KEY, UM_NEW_KEY); // the user created the new key in the vendor's dashboard
    // Opened the way the tray's "Rotate ci-prod…" does: main emits app:navigate.
    harness.core.app.navigate({ screen: 'keys', action: 'rotate', profile: 'ci-prod' });
    dialog = page.getByRole('dialog', { name: 'Rotate ci-prod' });
    await dialog.waitFor();
    expect(await page.getByRole('tab', { name: 'Keys' }).getAttribute('aria-selected')).toBe('true');
    await dialog.getByRole('button', { name: 'Open UptimeMonitoring dashboard' }).click();
    await expect.poll(() => harness.openedUrls).toEqual(['https://app.uptimemonitoring.com/settings/api-keys']);
    await dialog.getByLabel('New API key').fill(UM_NEW_KEY);
    await dialog.getByRole('button', { name: 'Verify & switch' }).click();
    const timer = dialog.getByRole('timer');
    await timer.waitFor();
    const first = await timer.textContent();
    expect(first).toMatch(/^(5:00|4:5\d)$/);
    await page.waitForFunction((shown) => document.querySelector('[role="timer"]')?.textContent !== shown, first, { timeout: 5_000 });
    expect(await timer.textContent()).toMatch(/^4:5\d$/);
    await harness.screenshot('rotate-countdown');
    await expectNoRawKeyInPage(page);
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await dialog.getByText(/^Rolled back: ci-prod uses umk_live_…3a2b again/).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    const profiles = await harness.core.profiles.list();
    expect(profiles.find((p) => p.name === 'ci-prod')?.key?.masked).toBe('umk_live_…3a2b');

    // ---- remove, with the dashboard warning ---------------------------------------------------------
    await page.getByRole('article', { name: 'ci-prod' }).getByRole('button', { name: 'Remove…' }).click();
    dialog = page.getByRole('dialog', { name: 'Remove ci-prod?' });
    await dialog.getByText('The key itself keeps working at UptimeMonitoring until you revoke it in the dashboard.').waitFor();
    await dialog.getByRole('button', { name: 'Remove key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('article', { name: 'ci-prod' }).waitFor({ state: 'detached' });
    expect((await harness.core.profiles.list()).map((p) => p.name).sort()).toEqual([movedAs, 'mcp-claude'].sort());

    await expectNoRawKeyInPage(page);
    expect(harness.problems()).toEqual([]);
    // The store on disk holds ciphertext only.
    const store = await readFile(path.join(harness.userDataDir, 'keybridge-vault.json'), 'utf8');
    for (const key of RAW_KEYS) expect(store).not.toContain(key);
  }, 120_000);
});
