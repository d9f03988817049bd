// Issue 13 through the app's own IPC table on a real app core (real vault, temp HOME): what the
// window is sent — client cards with their file's problem, the scan with its errors, the move's
// message — never a raw key, and the project folders a user adds.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createInvoker, createIpcHandlers, typedInvoke } from '../../../src-main/app/ipc-handlers';
import type { InvokeResult } from '../../../src-shared/ipc-contract';
import { startCoreHarness, type CoreHarness } from '../app/core-harness';
import { asUser } from './temp-home';

const UO_KEY = 'uo_test_wiring4b7e1d9c3a58';
const UM_KEY = 'umk_live_test8a2c6e4f1b93';
const UO_URL = 'https://mcp.uptimeobserver.com/mcp';

let harness: CoreHarness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

function value<T>(result: InvokeResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.value;
}

function failure(result: InvokeResult<unknown>): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

async function start(platform: 'linux' | 'darwin') {
  harness = await startCoreHarness({ platform });
  const invoke = typedInvoke(createInvoker(createIpcHandlers(harness.core)));
  const home = harness.homeDir;
  const claudeDir = platform === 'darwin' ? path.join(home, 'Library', 'Application Support', 'Claude') : path.join(home, '.config', 'Claude');
  return { harness, invoke, home, claudeDir };
}

for (const platform of ['linux', 'darwin'] as const) {
  describe(`clients over IPC on a real core (${platform} layout)`, () => {
    it('an unreadable config is its card’s error; the others are listed, scanned and moved; nothing raw reaches the window', async () => {
      const { harness, invoke, home, claudeDir } = await start(platform);
      await mkdir(claudeDir, { recursive: true });
      const claudeFile = path.join(claudeDir, 'claude_desktop_config.json');
      await writeFile(claudeFile, json({ mcpServers: { um: { command: 'npx', args: ['mcp-remote', 'https://um.example/mcp', '--header', `Authorization: Bearer ${UM_KEY}`] } } }));
      const cursorFile = path.join(home, '.cursor', 'mcp.json');
      await mkdir(path.dirname(cursorFile), { recursive: true });
      await writeFile(cursorFile, json({ mcpServers: { uo: { url: UO_URL, headers: { 'X-API-Key': UO_KEY } } } }));
      await chmod(cursorFile, 0o000);

      const { list, scan, moved, profiles } = await asUser(harness.root, async () => {
        const list = value(await invoke('clients:list', []));
        const scan = value(await invoke('migration:scan', []));
        const finding = scan.findings.find((f) => f.client === 'claude-desktop');
        const moved = value(await invoke('migration:migrate', [{ findingId: finding?.id ?? '', profile: finding?.suggestedProfile ?? 'x' }]));
        const profiles = value(await invoke('profiles:list', []));
        return { list, scan, moved, profiles };
      });
      const cursor = list.find((c) => c.id === 'cursor');
      expect(cursor).toMatchObject({ state: 'error', error: expect.stringContaining(`KeyBridge cannot read ${cursorFile}: permission denied (EACCES)`) });
      expect(list.find((c) => c.id === 'claude-desktop')).toMatchObject({ state: 'not-connected', plaintextKeys: 1, error: null });
      expect(scan.findings.map((f) => [f.client, f.entryName, f.maskedKey, f.suggestedProfile])).toEqual([['claude-desktop', 'um', `umk_live_…${UM_KEY.slice(-4)}`, 'um']]);
      expect(scan.errors.map((e) => [e.client, e.configPath])).toEqual([['cursor', cursorFile]]);
      expect(moved).toEqual({ profile: expect.objectContaining({ name: 'um', vendor: 'uptimemonitoring', endpoint: 'https://um.example/mcp' }), message: "Moved into KeyBridge as um. 'um' now starts the bridge." });
      expect(profiles.map((p) => p.name)).toEqual(['um']);
      expect(await readFile(claudeFile, 'utf8')).not.toContain(UM_KEY);
      expect(JSON.stringify([list, scan, moved, profiles])).not.toMatch(new RegExp(`${UM_KEY}|${UO_KEY}`));
      const log = value(await invoke('activity:events', []));
      expect(log.map((e) => e.message)).toContain("Moved into KeyBridge as um. 'um' now starts the bridge.");
    });

    it('a project folder the user adds: its workspace configs become cards, their keys are found and moved, the key reused', async () => {
      const { invoke, home } = await start(platform);
      const project = path.join(home, 'src', 'shop');
      await mkdir(path.join(project, '.vscode'), { recursive: true });
      await mkdir(path.join(project, '.cursor'), { recursive: true });
      await writeFile(path.join(project, '.vscode', 'mcp.json'), json({ servers: { uptime: { type: 'http', url: UO_URL, headers: { 'X-API-Key': UO_KEY } } } }));
      await writeFile(path.join(project, '.cursor', 'mcp.json'), json({ mcpServers: { uptime: { url: UO_URL, headers: { 'X-API-Key': UO_KEY } } } }));

      expect(failure(await invoke('clients:add-project', [{ dir: path.join(home, 'nope') }]))).toBe(`${path.join(home, 'nope')} is not a folder on this computer.`);
      const list = value(await invoke('clients:add-project', [{ dir: project }]));
      expect(list.filter((c) => c.projectDir === project).map((c) => [c.id, c.label, c.plaintextKeys])).toEqual([
        ['cursor-project', 'Cursor (shop)', 1],
        ['vscode-project', 'VS Code (shop)', 1],
      ]);
      const first = value(await invoke('migration:scan', [])).findings.find((f) => f.client === 'vscode-project');
      expect(first).toMatchObject({ projectDir: project, existingProfile: null, suggestedProfile: 'uptime' });
      value(await invoke('migration:migrate', [{ findingId: first?.id ?? '', profile: 'uptime' }]));
      const second = value(await invoke('migration:scan', [])).findings.find((f) => f.client === 'cursor-project');
      expect(second).toMatchObject({ projectDir: project, existingProfile: 'uptime' });
      const reused = value(await invoke('migration:migrate', [{ findingId: second?.id ?? '', action: 'use-existing', profile: 'uptime' }]));
      expect(reused.message).toBe("'uptime' now uses the key KeyBridge already holds as 'uptime'.");
      expect(value(await invoke('profiles:list', [])).map((p) => p.name)).toEqual(['uptime']);
      const cards = value(await invoke('clients:list', [])).filter((c) => c.projectDir === project);
      expect(cards.map((c) => [c.id, c.state, c.profiles])).toEqual([
        ['cursor-project', 'connected', ['uptime']],
        ['vscode-project', 'connected', ['uptime']],
      ]);
      // Connect and Disconnect work on a project card too.
      value(await invoke('clients:disconnect', [{ client: 'cursor-project', projectDir: project, profile: 'uptime' }]));
      expect(JSON.parse(await readFile(path.join(project, '.cursor', 'mcp.json'), 'utf8'))).toEqual({ mcpServers: {} });
      expect(value(await invoke('clients:remove-project', [{ dir: project }])).some((c) => c.projectDir === project)).toBe(false);
    });
  });
}
