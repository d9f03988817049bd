import { chmod, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { parse } from 'jsonc-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { editEntry } from '../../../src-main/clients/config-edit';
import { ConfigParseError } from '../../../src-main/clients/config-parse';
import { listBackups } from '../../../src-main/clients/config-backups';
import { updateFile } from '../../../src-main/clients/config-writer';
import { ClientNotPresentError, clientStatus, install, uninstall } from '../../../src-main/clients/installer';
import { USER_CLIENT_IDS, type ClientRef } from '../../../src-main/clients/registry';
import { LAUNCHER, tempHome, type TempHome } from './temp-home';

const opts = { launcherPath: LAUNCHER };
let home: TempHome | null = null;
afterEach(async () => {
  await home?.remove();
  home = null;
});

/** The stretch of `after` that differs from `before`, and what it replaced in `before`. */
function diff(before: string, after: string): { removed: string; added: string } {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { removed: before.slice(start, before.length - end), added: after.slice(start, after.length - end) };
}

const VSCODE_JSONC = `// VS Code MCP servers — edited by hand
{
\t/* the team's server */
\t"servers": {
\t\t"github": {
\t\t\t"type": "http",
\t\t\t"url": "https://api.githubcopilot.com/mcp/", // trailing comment
\t\t},
\t},
\t"inputs": [],
}
`;

const CLAUDE_JSON = `{
    "mcpServers": {
        "filesystem": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/ann/Desktop"]
        },
        "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] }
    },
    "globalShortcut": "Ctrl+Space"
}
`;

describe('install and uninstall', () => {
  for (const platform of ['linux', 'darwin'] as const) {
    it(`writes every client's file in a ${platform} home layout`, async () => {
      home = await tempHome(platform);
      for (const id of USER_CLIENT_IDS) {
        const target = await home.installApp({ id });
        expect((await clientStatus(target, opts)).state).toBe('not-connected');
        const result = await install(target, 'mcp-claude', opts);
        expect(result).toMatchObject({ entryName: 'keybridge-mcp-claude', changed: true, backupPath: null });
        const written = parse(await readFile(target.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
        const expected = target.typedEntries
          ? { type: 'stdio', command: LAUNCHER, args: ['--profile', 'mcp-claude'] }
          : { command: LAUNCHER, args: ['--profile', 'mcp-claude'] };
        expect(written[id.startsWith('vscode') ? 'servers' : 'mcpServers']).toEqual({ 'keybridge-mcp-claude': expected });
        const status = await clientStatus(target, opts);
        expect(status).toMatchObject({ state: 'connected', connected: [{ entryName: 'keybridge-mcp-claude', profile: 'mcp-claude' }] });
        expect(JSON.stringify(written)).not.toMatch(/uo_|umk_live_|Bearer/i);
      }
    });
  }

  it('keeps comments, tabs, trailing commas and other servers byte for byte (JSONC)', async () => {
    home = await tempHome('linux');
    const target = await home.writeConfig({ id: 'vscode' }, VSCODE_JSONC);
    await install(target, 'mcp-vscode', opts);
    const after = await readFile(target.configPath, 'utf8');
    const { removed, added } = diff(VSCODE_JSONC, after);
    expect(removed).toMatch(/^[\s,]*$/);
    expect(added).toContain('"keybridge-mcp-vscode": {\n\t\t\t"type": "stdio"');
    expect(added).not.toContain('github');
    await uninstall(target, 'mcp-vscode', opts);
    expect(await readFile(target.configPath, 'utf8')).toBe(VSCODE_JSONC);
  });

  it('adds beside other servers in plain JSON with its indentation and key order', async () => {
    home = await tempHome('darwin');
    const target = await home.writeConfig({ id: 'claude-desktop' }, CLAUDE_JSON);
    await install(target, 'mcp-claude', opts);
    await install(target, 'ci-prod', opts);
    const after = await readFile(target.configPath, 'utf8');
    const { removed } = diff(CLAUDE_JSON, after);
    expect(removed).toMatch(/^[\s,]*$/);
    const parsed = JSON.parse(after) as { mcpServers: Record<string, unknown>; globalShortcut: string };
    expect(Object.keys(parsed.mcpServers)).toEqual(['filesystem', 'memory', 'keybridge-mcp-claude', 'keybridge-ci-prod']);
    expect(Object.keys(parsed)).toEqual(['mcpServers', 'globalShortcut']);
    expect(after).toContain('\n        "keybridge-mcp-claude": {\n            "command"');
    expect((await clientStatus(target, opts)).connected.map((e) => e.profile)).toEqual(['mcp-claude', 'ci-prod']);

    const removedEntries = await uninstall(target, 'mcp-claude', opts);
    expect(removedEntries.removed).toEqual(['keybridge-mcp-claude']);
    const left = JSON.parse(await readFile(target.configPath, 'utf8')) as { mcpServers: Record<string, unknown> };
    expect(Object.keys(left.mcpServers)).toEqual(['filesystem', 'memory', 'keybridge-ci-prod']);
  });

  it('is idempotent: a second install writes nothing (bytes, mtime, no new backup)', async () => {
    home = await tempHome('linux');
    const target = await home.writeConfig({ id: 'cursor' }, '{"mcpServers":{}}\n');
    expect((await install(target, 'mcp-cursor', opts)).changed).toBe(true);
    const bytes = await readFile(target.configPath, 'utf8');
    // Dated in the past: any write now would show a new mtime, however fast it came.
    const past = new Date('2020-01-01T00:00:00Z');
    await utimes(target.configPath, past, past);
    const mtimeMs = past.getTime();
    const backups = await listBackups(target.configPath);
    expect(await install(target, 'mcp-cursor', opts)).toEqual({ entryName: 'keybridge-mcp-cursor', changed: false, backupPath: null });
    expect(await readFile(target.configPath, 'utf8')).toBe(bytes);
    expect((await stat(target.configPath)).mtimeMs).toBe(mtimeMs);
    expect(await listBackups(target.configPath)).toEqual(backups);
    expect((await uninstall(target, 'nobody', opts)).removed).toEqual([]);
    expect((await stat(target.configPath)).mtimeMs).toBe(mtimeMs);
  });

  it('backs up before every write, keeps the last five, and keeps the file mode', async () => {
    home = await tempHome('linux');
    const target = await home.writeConfig({ id: 'windsurf' }, '{}');
    await chmod(target.configPath, 0o644);
    const seen: string[] = [];
    for (let i = 0; i < 7; i++) {
      const before = await readFile(target.configPath, 'utf8');
      const { backupPath } = await install(target, `p${i}`, opts);
      expect(backupPath).not.toBeNull();
      expect(await readFile(backupPath!, 'utf8')).toBe(before);
      seen.push(backupPath!);
    }
    expect(await listBackups(target.configPath)).toEqual(seen.slice(2));
    expect((await stat(target.configPath)).mode & 0o777).toBe(0o644);
    expect((await stat(seen[6]!)).mode & 0o777).toBe(0o644);
  });

  it('never overwrites a file that does not parse, and names file, line and column', async () => {
    home = await tempHome('linux');
    const broken = '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": {}\n  }\n}\n';
    const target = await home.writeConfig({ id: 'cursor' }, broken);
    const failure = await install(target, 'mcp-cursor', opts).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigParseError);
    expect((failure as ConfigParseError).message).toContain(`${target.configPath}:4:5: a comma was expected`);
    expect(await readFile(target.configPath, 'utf8')).toBe(broken);
    expect(await listBackups(target.configPath)).toEqual([]);
    await expect(uninstall(target, 'mcp-cursor', opts)).rejects.toBeInstanceOf(ConfigParseError);
    expect(await clientStatus(target, opts)).toMatchObject({ state: 'error', error: { line: 4, column: 5 } });
    expect(await readFile(target.configPath, 'utf8')).toBe(broken);
  });

  it('two writers at once: both entries land', async () => {
    home = await tempHome('linux');
    const target = await home.writeConfig({ id: 'claude-code' }, '{"numStartups": 3, "mcpServers": {}}');
    const profiles = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'];
    await Promise.all(profiles.map((p) => install(target, p, opts)));
    const status = await clientStatus(target, opts);
    expect(status.connected.map((e) => e.profile).sort()).toEqual(profiles);
    expect(JSON.parse(await readFile(target.configPath, 'utf8'))).toMatchObject({ numStartups: 3 });
  });

  it('re-reads right before writing: a change made by another program meanwhile is kept', async () => {
    home = await tempHome('linux');
    const target = await home.writeConfig({ id: 'claude-desktop' }, '{"mcpServers": {}}');
    let calls = 0;
    await updateFile(target.configPath, async (text) => {
      calls++;
      // Claude Desktop saves its settings while we are computing our edit.
      if (calls === 1) await writeFile(target.configPath, '{"mcpServers": {"theirs": {"command": "x"}}}');
      return editEntry(text, 'mcpServers', 'keybridge-p1', { command: LAUNCHER, args: ['--profile', 'p1'] });
    });
    expect(calls).toBe(2);
    const servers = (JSON.parse(await readFile(target.configPath, 'utf8')) as { mcpServers: Record<string, unknown> }).mcpServers;
    expect(Object.keys(servers)).toEqual(['theirs', 'keybridge-p1']);
  });

  it("reports an entry someone else changed, and install puts ours back", async () => {
    home = await tempHome('linux');
    const target = await home.writeConfig(
      { id: 'cursor' },
      JSON.stringify({ mcpServers: { 'keybridge-mcp-cursor': { command: '/elsewhere/bridge', args: ['--profile', 'mcp-cursor'] } } }),
    );
    expect(await clientStatus(target, opts)).toMatchObject({ state: 'changed', changed: [{ profile: 'mcp-cursor' }], connected: [] });
    await install(target, 'mcp-cursor', opts);
    expect((await clientStatus(target, opts)).state).toBe('connected');
  });

  it('refuses to install into an assistant that is not there', async () => {
    home = await tempHome('linux');
    const ref: ClientRef = { id: 'windsurf' };
    expect((await clientStatus(home.target(ref), opts)).state).toBe('not-present');
    await expect(install(home.target(ref), 'x1', opts)).rejects.toBeInstanceOf(ClientNotPresentError);
  });

  it("installs into a project's .cursor/mcp.json, creating it", async () => {
    home = await tempHome('linux');
    const projectDir = `${home.dir}/proj`;
    await writeFile(`${home.dir}/marker`, '');
    const target = await home.installApp({ id: 'cursor-project', projectDir });
    await install(target, 'local-dev', opts);
    expect(target.configPath).toBe(`${projectDir}/.cursor/mcp.json`);
    expect(await readFile(target.configPath, 'utf8')).toBe(
      `{\n  "mcpServers": {\n    "keybridge-local-dev": {\n      "command": "${LAUNCHER}",\n      "args": [\n        "--profile",\n        "local-dev"\n      ]\n    }\n  }\n}\n`,
    );
  });
});
