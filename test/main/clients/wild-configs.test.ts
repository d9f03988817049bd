// Issue 13: assistants' configs as they are on users' machines. Each case is a real file in a
// temp HOME laid out like Linux and like macOS, with the app's real vault (test cipher, conf
// store in the same temp folder); each asserts the file's bytes, the vault's state and what the
// user is told. Steps that depend on file permissions run as an ordinary user (asUser): root,
// whom the tests may run as, is not stopped by modes.
import { chmod, lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'jsonc-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { listBackups } from '../../../src-main/clients/config-backups';
import { clientViewOf, scanReportView } from '../../../src-main/clients/views';
import type { MigrationTarget } from '../../../src-main/clients/migration';
import { ClientsService } from '../../../src-main/clients/service';
import type { ClientRef } from '../../../src-main/clients/registry';
import { keyFingerprint } from '../../../src-main/upstream/key-fingerprint';
import type { Vault } from '../../../src-main/vault';
import { asUser, LAUNCHER, realVault, RUNNING_AS_ROOT, tempHome, type TempHome } from './temp-home';

const UO_KEY = 'uo_test_wild7c1e9a2b4d60';
const UO_KEY_2 = 'uo_test_wild5f3a8d2c1e77';
const UO_KEY_3 = 'uo_test_wild0b9c4e6a2f18';
const UM_KEY = 'umk_live_test3e8d1c7b9a25';
const UO_URL = 'https://mcp.uptimeobserver.com/mcp';

interface Rig {
  home: TempHome;
  vault: Vault;
  target: MigrationTarget;
  service: ClientsService;
  /** The file's bytes now. */
  bytes(file: string): Promise<string>;
  /** The profiles in the vault: name and whether its key is `key`. */
  stored(): { name: string; fingerprint: string | null }[];
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    rig.service.close();
    rig.vault.close();
    await rig.home.remove();
  }
});

async function rig(platform: 'linux' | 'darwin', wrap: (target: MigrationTarget) => MigrationTarget = (t) => t): Promise<Rig> {
  const home = await tempHome(platform);
  const { vault, target } = await realVault(home.dir);
  const service = new ClientsService({ host: home.host, entry: { launcherPath: LAUNCHER }, vault: wrap(target), projectsFile: path.join(home.dir, 'userData', 'client-projects.json') });
  const made: Rig = {
    home,
    vault,
    target,
    service,
    bytes: (file) => readFile(file, 'utf8'),
    stored: () => vault.list().map((p) => ({ name: p.name, fingerprint: p.key?.fingerprint ?? null })),
  };
  rigs.push(made);
  return made;
}

const failure = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: Error) => error,
  );

const remote = (key: string, url = UO_URL) => ({ url, headers: { 'X-API-Key': key } });
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const bridge = (profile: string, typed = false) => (typed ? { type: 'stdio', command: LAUNCHER, args: ['--profile', profile] } : { command: LAUNCHER, args: ['--profile', profile] });

async function findingIn(service: ClientsService, ref: ClientRef, entryName?: string) {
  const { findings } = await service.scanKeys();
  const found = findings.find((f) => f.client === ref.id && f.ref.projectDir === ref.projectDir && (entryName === undefined || f.entryName === entryName));
  if (!found) throw new Error(`no finding for ${ref.id} ${entryName ?? ''}`);
  return found;
}

for (const platform of ['linux', 'darwin'] as const) {
  describe(`assistants' configs in the wild (${platform} layout)`, () => {
    // ---- 1 ------------------------------------------------------------------------------------
    it('1. a move into a read-only folder fails whole: no profile, file untouched, no backup; a retry after fixing it works', async () => {
      const { home, service, bytes, stored } = await rig(platform);
      const original = json({ mcpServers: { uptime: remote(UO_KEY) } });
      const cursor = await home.writeConfig({ id: 'cursor' }, original);
      const folder = path.dirname(cursor.configPath);
      const finding = await findingIn(service, { id: 'cursor' });
      await chmod(folder, 0o555);

      const error = await asUser(home.dir, () => failure(service.migrate(finding.id, { profile: 'uptime' })));
      expect(error.message).toBe(
        `KeyBridge did not change ${cursor.configPath}: its folder ${folder} cannot be written (permission denied (EACCES)); the atomic replace needs a new file there. Nothing was changed. The key is still in the file, and KeyBridge did not keep it. Fix that and try again.`,
      );
      expect(await bytes(cursor.configPath)).toBe(original);
      expect(stored()).toEqual([]);
      expect(await listBackups(cursor.configPath, cursor.backupDir)).toEqual([]);

      await chmod(folder, 0o755);
      const moved = await asUser(home.dir, () => service.migrate(finding.id, { profile: 'uptime' }));
      expect(moved.message).toBe("Moved into KeyBridge as uptime. 'uptime' now starts the bridge.");
      expect(stored()).toEqual([{ name: 'uptime', fingerprint: keyFingerprint(UO_KEY) }]);
      expect(await bytes(cursor.configPath)).toBe(json({ mcpServers: { uptime: bridge('uptime') } }));
    });

    it('1. a write that fails after the profile was stored takes the profile back; a retry works', async () => {
      let folder = '';
      // The folder turns read-only between the checks and the write (another program, a sync tool).
      const { home, service, bytes, stored } = await rig(platform, (target) => ({
        ...target,
        addProfile: async (input) => {
          const added = await target.addProfile(input);
          if (folder) await chmod(folder, 0o555);
          return added;
        },
      }));
      const original = json({ mcpServers: { uptime: remote(UO_KEY) } });
      const windsurf = await home.writeConfig({ id: 'windsurf' }, original);
      folder = path.dirname(windsurf.configPath);
      const finding = await findingIn(service, { id: 'windsurf' });

      const error = await asUser(home.dir, () => failure(service.migrate(finding.id, { profile: 'uptime' })));
      expect(error.message).toBe(
        `KeyBridge did not change ${windsurf.configPath}: writing it failed (permission denied (EACCES)). Nothing was changed. The key is still in the file, and KeyBridge did not keep it. Fix that and try again.`,
      );
      expect(stored()).toEqual([]);
      expect(await bytes(windsurf.configPath)).toBe(original);

      await chmod(folder, 0o755);
      folder = '';
      await asUser(home.dir, () => service.migrate(finding.id, { profile: 'uptime' }));
      expect(stored()).toEqual([{ name: 'uptime', fingerprint: keyFingerprint(UO_KEY) }]);
      expect(await bytes(windsurf.configPath)).toBe(json({ mcpServers: { uptime: bridge('uptime') } }));
      // The copy left behind by the failed attempt (its folder refused the clean-up) holds no key.
      for (const copy of await listBackups(windsurf.configPath, windsurf.backupDir)) expect(await bytes(copy)).not.toContain(UO_KEY);
    });

    it('1. a name the vault refuses changes nothing and leaves no backup', async () => {
      const { home, vault, service, bytes, stored } = await rig(platform);
      await vault.add({ name: 'uptime', vendor: 'uptimeobserver', endpoint: UO_URL, auth: 'x-api-key', key: UO_KEY_2 });
      const original = json({ mcpServers: { uptime: remote(UO_KEY) } });
      const cursor = await home.writeConfig({ id: 'cursor' }, original);
      const finding = await findingIn(service, { id: 'cursor' });
      expect(finding.suggestedProfile).toBe('uptime-2');
      expect((await failure(service.migrate(finding.id, { profile: 'uptime' }))).message).toMatch(/already exists/);
      expect(await bytes(cursor.configPath)).toBe(original);
      expect(await listBackups(cursor.configPath, cursor.backupDir)).toEqual([]);
      expect(stored().map((p) => p.name)).toEqual(['uptime']);
    });

    // ---- 2 ------------------------------------------------------------------------------------
    it('2. an unreadable file is its own card’s error; the other assistants, their keys and the move keep working', async () => {
      const { home, service, bytes, stored } = await rig(platform);
      const claudeText = json({ mcpServers: { uptime: { command: 'npx', args: ['mcp-remote', UO_URL, '--header', `X-API-Key: ${UO_KEY}`] } } });
      const claude = await home.writeConfig({ id: 'claude-desktop' }, claudeText);
      const cursor = await home.writeConfig({ id: 'cursor' }, json({ mcpServers: { other: remote(UO_KEY_2) } }));
      await chmod(cursor.configPath, 0o000);
      const windsurf = await home.installApp({ id: 'windsurf' });
      await mkdir(windsurf.configPath); // a folder where the file should be
      // ~/.claude.json created by `sudo claude …`: root's, 0600 (only root can make that here).
      const claudeCode = await home.writeConfig({ id: 'claude-code' }, json({ mcpServers: {} }));
      if (RUNNING_AS_ROOT) await chmod(claudeCode.configPath, 0o600);
      const keepRoot = RUNNING_AS_ROOT ? [claudeCode.configPath] : [];

      const { list, scan } = await asUser(home.dir, async () => ({ list: await service.list(), scan: await service.scanKeys() }), keepRoot);
      const byId = Object.fromEntries(list.map((s) => [s.id, s]));
      expect(byId['claude-desktop']).toMatchObject({ state: 'not-connected', plaintextKeys: 1, error: null });
      expect(clientViewOf(byId.cursor!)).toMatchObject({
        state: 'error',
        error: `KeyBridge cannot read ${cursor.configPath}: permission denied (EACCES). It left the file alone; fix its permissions (or move it aside) and KeyBridge will pick it up.`,
      });
      expect(byId.windsurf).toMatchObject({ state: 'error', error: { message: expect.stringContaining(`cannot read ${windsurf.configPath}: it is a folder, not a file (EISDIR)`) } });
      if (RUNNING_AS_ROOT) expect(byId['claude-code']).toMatchObject({ state: 'error', error: { message: expect.stringContaining(`cannot read ${claudeCode.configPath}: permission denied`) } });
      expect(byId.vscode?.state).not.toBe('error');

      expect(scan.findings.map((f) => [f.client, f.maskedKey])).toEqual([['claude-desktop', `uo_…${UO_KEY.slice(-4)}`]]);
      const errors = scanReportView(scan).errors.map((e) => [e.client, e.configPath]);
      expect(errors).toEqual(expect.arrayContaining([['cursor', cursor.configPath], ['windsurf', windsurf.configPath]]));
      if (RUNNING_AS_ROOT) expect(errors).toContainEqual(['claude-code', claudeCode.configPath]);

      await asUser(home.dir, () => service.migrate(scan.findings[0]!.id, { profile: 'uptime' }), keepRoot);
      expect(stored()).toEqual([{ name: 'uptime', fingerprint: keyFingerprint(UO_KEY) }]);
      expect(await bytes(claude.configPath)).toBe(json({ mcpServers: { uptime: bridge('uptime') } }));
      await chmod(cursor.configPath, 0o644);
      expect(await bytes(cursor.configPath)).toBe(json({ mcpServers: { other: remote(UO_KEY_2) } }));
    });

    // Only root can give the user a file owned by someone else.
    it.runIf(RUNNING_AS_ROOT)('2. a root-owned but readable ~/.claude.json is listed and scanned; Connect and the move are refused with why', async () => {
      const { home, service, bytes, stored } = await rig(platform);
      const text = json({ mcpServers: { uptime: { type: 'http', ...remote(UO_KEY) } } });
      const claudeCode = await home.writeConfig({ id: 'claude-code' }, text);
      await chmod(claudeCode.configPath, 0o644);
      const keepRoot = [claudeCode.configPath];
      const status = await asUser(home.dir, () => service.status({ id: 'claude-code' }), keepRoot);
      expect(status).toMatchObject({ state: 'not-connected', plaintextKeys: 1, error: null });
      const reason = `KeyBridge did not change ${claudeCode.configPath}: you may not write the file (permission denied (EACCES)); it may belong to another user. Nothing was changed.`;
      expect((await asUser(home.dir, () => failure(service.install({ id: 'claude-code' }, 'uptime')), keepRoot)).message).toBe(reason);
      const finding = await findingIn(service, { id: 'claude-code' });
      expect((await asUser(home.dir, () => failure(service.migrate(finding.id, { profile: 'uptime' })), keepRoot)).message).toBe(
        `${reason} The key is still in the file, and KeyBridge did not keep it. Fix that and try again.`,
      );
      expect(await bytes(claudeCode.configPath)).toBe(text);
      expect(stored()).toEqual([]);
    });

    // ---- 3 ------------------------------------------------------------------------------------
    it('3. a UTF-8 BOM file (CRLF, as Windows editors save it) is read, its key moved, and keeps its BOM', async () => {
      const { home, service, bytes, stored } = await rig(platform);
      const body = json({ mcpServers: { memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] }, uptime: remote(UO_KEY) } }).replace(/\n/g, '\r\n');
      const cursor = await home.writeConfig({ id: 'cursor' }, `\uFEFF${body}`);
      expect(await service.status({ id: 'cursor' })).toMatchObject({ state: 'not-connected', plaintextKeys: 1, error: null });
      const finding = await findingIn(service, { id: 'cursor' });
      expect(finding).toMatchObject({ entryName: 'uptime', where: 'headers.X-API-Key' });
      await service.migrate(finding.id, { profile: 'uptime' });
      const after = await bytes(cursor.configPath);
      expect(after).toBe(`\uFEFF${json({ mcpServers: { memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] }, uptime: bridge('uptime') } }).replace(/\n/g, '\r\n')}`);
      expect(stored()).toEqual([{ name: 'uptime', fingerprint: keyFingerprint(UO_KEY) }]);
      // Connect writes into a BOM file too, and keeps the mark.
      const claude = await home.writeConfig({ id: 'claude-desktop' }, '\uFEFF{"mcpServers": {}}');
      await service.install({ id: 'claude-desktop' }, 'uptime');
      expect(await bytes(claude.configPath)).toBe(`\uFEFF{"mcpServers": {"keybridge-uptime":${JSON.stringify(bridge('uptime'))}}}`);
    });

    // ---- 4 ------------------------------------------------------------------------------------
    it("4. Claude Code's project-scoped servers (projects[path].mcpServers) are scanned, named by project and moved in place", async () => {
      const { home, service, bytes, stored } = await rig(platform);
      const project = platform === 'darwin' ? '/Users/ann/src/shop' : '/home/ann/src/shop';
      const before = `{
  "numStartups": 12,
  "mcpServers": {},
  "projects": {
    "${project}": {
      "allowedTools": [],
      "mcpServers": {
        "uptime": {
          "type": "http",
          "url": "${UO_URL}",
          "headers": {
            "X-API-Key": "${UO_KEY}"
          }
        }
      },
      "hasTrustDialogAccepted": true
    },
    "/elsewhere": {
      "mcpServers": {}
    }
  }
}
`;
      const target = await home.writeConfig({ id: 'claude-code' }, before);
      expect((await service.status({ id: 'claude-code' })).plaintextKeys).toBe(1);
      const finding = await findingIn(service, { id: 'claude-code' });
      expect(scanReportView({ findings: [finding], errors: [] }).findings[0]).toMatchObject({ scope: `project ${project}`, entryName: 'uptime', configPath: target.configPath });
      const moved = await service.migrate(finding.id, { profile: 'uptime' });
      expect(moved.message).toBe(`Moved into KeyBridge as uptime. 'uptime (project ${project})' now starts the bridge.`);
      const after = await bytes(target.configPath);
      const entry = `{
          "type": "stdio",
          "command": "${LAUNCHER}",
          "args": [
            "--profile",
            "uptime"
          ]
        }`;
      expect(after).toBe(before.replace(/\{\n {10}"type": "http"[\s\S]*?\n {8}\}/, entry));
      expect(stored()).toEqual([{ name: 'uptime', fingerprint: keyFingerprint(UO_KEY) }]);
      expect(await service.status({ id: 'claude-code' })).toMatchObject({ state: 'connected', plaintextKeys: 0, connected: [{ entryName: 'uptime', profile: 'uptime', scope: `project ${project}` }] });
    });

    it("4. VS Code's older \"mcp\" block in settings.json is scanned and moved in place; comments and settings stay", async () => {
      const { home, service, bytes } = await rig(platform);
      const vscode = await home.installApp({ id: 'vscode' });
      const settingsPath = path.join(path.dirname(vscode.configPath), 'settings.json');
      const before = `{
    // editor
    "editor.fontSize": 14,
    "mcp": {
        "servers": {
            "uptime": { "type": "http", "url": "${UO_URL}", "headers": { "Authorization": "Bearer ${UO_KEY}" } }
        }
    },
    "workbench.colorTheme": "Default Dark+",
}
`;
      await mkdir(path.dirname(settingsPath), { recursive: true });
      await writeFile(settingsPath, before);
      expect((await service.status({ id: 'vscode' })).plaintextKeys).toBe(1);
      const finding = await findingIn(service, { id: 'vscode' });
      expect(finding).toMatchObject({ configPath: settingsPath, scope: 'settings.json', auth: 'bearer' });
      await service.migrate(finding.id, { profile: 'vscode-uptime' });
      const entry = `{
                "type": "stdio",
                "command": "${LAUNCHER}",
                "args": [
                    "--profile",
                    "vscode-uptime"
                ]
            }`;
      expect(await bytes(settingsPath)).toBe(before.replace(/\{ "type": "http".*\} \}/, entry));
      await expect(stat(vscode.configPath)).rejects.toThrow(); // mcp.json was not created
    });

    it('4. workspace .vscode/mcp.json and .cursor/mcp.json in a folder the user adds are scanned, moved, and remembered', async () => {
      const { home, target, service, bytes, stored } = await rig(platform);
      const project = path.join(home.dir, 'src', 'shop');
      await mkdir(path.join(project, '.vscode'), { recursive: true });
      await mkdir(path.join(project, '.cursor'), { recursive: true });
      await writeFile(path.join(project, '.vscode', 'mcp.json'), json({ servers: { uptime: { type: 'http', ...remote(UO_KEY) } } }));
      await writeFile(path.join(project, '.cursor', 'mcp.json'), json({ mcpServers: { uptime: remote(UO_KEY) } }));
      expect((await service.scanKeys()).findings).toEqual([]);
      await service.addProject(project);
      const vs = await findingIn(service, { id: 'vscode-project', projectDir: project });
      const cur = await findingIn(service, { id: 'cursor-project', projectDir: project });
      expect([vs.clientLabel, cur.clientLabel]).toEqual(['VS Code (shop)', 'Cursor (shop)']);
      await service.migrate(vs.id, { profile: 'shop' });
      const again = await findingIn(service, { id: 'cursor-project', projectDir: project });
      expect(again.existingProfile).toBe('shop');
      await service.migrate(again.id, { action: 'use-existing', profile: 'shop' });
      expect(await bytes(path.join(project, '.vscode', 'mcp.json'))).toBe(json({ servers: { uptime: bridge('shop', true) } }));
      expect(await bytes(path.join(project, '.cursor', 'mcp.json'))).toBe(json({ mcpServers: { uptime: bridge('shop') } }));
      expect(stored()).toEqual([{ name: 'shop', fingerprint: keyFingerprint(UO_KEY) }]);
      // After a restart the folder is still known.
      const restarted = new ClientsService({ host: home.host, entry: { launcherPath: LAUNCHER }, vault: target, projectsFile: path.join(home.dir, 'userData', 'client-projects.json') });
      expect(restarted.projectDirs()).toEqual([project]);
      expect((await restarted.list()).filter((s) => s.ref.projectDir === project).map((s) => [s.id, s.state])).toEqual([
        ['cursor-project', 'connected'],
        ['vscode-project', 'connected'],
      ]);
      restarted.close();
    });

    // ---- 5 ------------------------------------------------------------------------------------
    it('5. a key with no URL: the finding says so, a move without one changes nothing, with the URL entered it moves', async () => {
      const { home, vault, service, bytes, stored } = await rig(platform);
      const original = json({
        mcpServers: {
          um: { command: 'uptimemonitoring-mcp', env: { UPTIMEMONITORING_API_KEY: UM_KEY } },
          uo: { command: 'uptimeobserver-mcp', env: { UPTIMEOBSERVER_API_KEY: UO_KEY } },
        },
      });
      const claude = await home.writeConfig({ id: 'claude-desktop' }, original);
      const um = await findingIn(service, { id: 'claude-desktop' }, 'um');
      const uo = await findingIn(service, { id: 'claude-desktop' }, 'uo');
      expect(um).toMatchObject({ endpoint: null, endpointFromEntry: false, problem: 'The entry names no MCP URL: enter it to move this key.' });
      // A vendor with a known endpoint: prefilled, and the user may still change it.
      expect(uo).toMatchObject({ endpoint: UO_URL, endpointFromEntry: false, problem: null });
      expect((await failure(service.migrate(um.id, { profile: 'um', replaceLocal: true }))).message).toBe('The entry names no MCP URL: enter it to move this key.');
      expect(await bytes(claude.configPath)).toBe(original);
      expect(stored()).toEqual([]);
      await service.migrate(um.id, { profile: 'um', endpoint: 'https://mcp.uptimemonitoring.example/mcp', replaceLocal: true });
      expect(stored()).toEqual([{ name: 'um', fingerprint: keyFingerprint(UM_KEY) }]);
      expect(vault.get('um').endpoint).toBe('https://mcp.uptimemonitoring.example/mcp');
      expect(parse(await bytes(claude.configPath))).toMatchObject({ mcpServers: { um: bridge('um'), uo: { env: { UPTIMEOBSERVER_API_KEY: UO_KEY } } } });
    });

    // ---- 6 ------------------------------------------------------------------------------------
    it("6. a broken file's error comes with the scan (path, line, column), next to the other files' findings", async () => {
      const { home, service } = await rig(platform);
      const broken = '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": {}\n  }\n}\n';
      const cursor = await home.writeConfig({ id: 'cursor' }, broken);
      await home.writeConfig({ id: 'windsurf' }, json({ mcpServers: { uptime: remote(UO_KEY) } }));
      const view = scanReportView(await service.scanKeys());
      expect(view.findings.map((f) => f.client)).toEqual(['windsurf']);
      expect(view.errors).toEqual([
        {
          client: 'cursor',
          projectDir: null,
          label: 'Cursor',
          configPath: cursor.configPath,
          scope: null,
          message: `${cursor.configPath}:4:5: a comma was expected. KeyBridge left the file untouched; fix it (or restore a backup) and try again.`,
        },
      ]);
    });

    // ---- 7 ------------------------------------------------------------------------------------
    it('7. the same key in two assistants: the second is offered the existing profile (fingerprints compared in main)', async () => {
      const { home, vault, service, bytes, stored } = await rig(platform);
      await home.writeConfig({ id: 'cursor' }, json({ mcpServers: { uptime: remote(UO_KEY) } }));
      const windsurfText = json({ mcpServers: { uptime: { serverUrl: UO_URL, headers: { Authorization: `Bearer ${UO_KEY}` } } } });
      const windsurf = await home.writeConfig({ id: 'windsurf' }, windsurfText);
      const first = await findingIn(service, { id: 'cursor' });
      expect((await findingIn(service, { id: 'windsurf' })).suggestedProfile).toBe(first.suggestedProfile);
      await service.migrate(first.id, { profile: 'uptime' });

      const second = await findingIn(service, { id: 'windsurf' });
      expect(scanReportView({ findings: [second], errors: [] }).findings[0]).toMatchObject({ existingProfile: 'uptime', suggestedProfile: 'uptime', maskedKey: `uo_…${UO_KEY.slice(-4)}` });
      expect(JSON.stringify(scanReportView(await service.scanKeys()))).not.toContain(UO_KEY);
      // A profile holding another key is refused, whatever the page says.
      await vault.add({ name: 'other', vendor: 'uptimeobserver', endpoint: UO_URL, auth: 'x-api-key', key: UO_KEY_2 });
      expect((await failure(service.migrate(second.id, { action: 'use-existing', profile: 'other' }))).message).toBe("'other' holds a different key than uptime; move this key as a new profile instead.");
      expect(await bytes(windsurf.configPath)).toBe(windsurfText);

      const used = await service.migrate(second.id, { action: 'use-existing', profile: 'uptime' });
      expect(used.message).toBe("'uptime' now uses the key KeyBridge already holds as 'uptime'.");
      expect(await bytes(windsurf.configPath)).toBe(json({ mcpServers: { uptime: bridge('uptime') } }));
      expect(stored()).toEqual([
        { name: 'uptime', fingerprint: keyFingerprint(UO_KEY) },
        { name: 'other', fingerprint: keyFingerprint(UO_KEY_2) },
      ]);
    });

    // ---- 8 ------------------------------------------------------------------------------------
    it('8. three different keys all named "uptime" get free names, and each moves under its suggestion', async () => {
      const { home, vault, service, stored } = await rig(platform);
      await vault.add({ name: 'uptime', vendor: 'uptimeobserver', endpoint: UO_URL, auth: 'x-api-key', key: 'uo_test_wild_unrelated_01' });
      await home.writeConfig({ id: 'claude-desktop' }, json({ mcpServers: { uptime: { command: 'npx', args: ['mcp-remote', UO_URL, '--header', `X-API-Key: ${UO_KEY}`] } } }));
      await home.writeConfig({ id: 'cursor' }, json({ mcpServers: { uptime: remote(UO_KEY_2) } }));
      await home.writeConfig({ id: 'windsurf' }, json({ mcpServers: { uptime: { serverUrl: UO_URL, headers: { 'X-API-Key': UO_KEY_3 } } } }));
      const { findings } = await service.scanKeys();
      expect(findings.map((f) => [f.client, f.suggestedProfile])).toEqual([
        ['claude-desktop', 'uptime-2'],
        ['cursor', 'uptime-3'],
        ['windsurf', 'uptime-4'],
      ]);
      for (const finding of findings) await service.migrate(finding.id, { profile: finding.suggestedProfile });
      expect(stored().map((p) => p.name)).toEqual(['uptime', 'uptime-2', 'uptime-3', 'uptime-4']);
      expect((await service.scanKeys()).findings).toEqual([]);
    });

    // ---- 9 ------------------------------------------------------------------------------------
    it('9. a local server is not swapped silently: the move asks; VS Code can keep it with the key out of the file', async () => {
      const { home, service, bytes, stored } = await rig(platform);
      const before = `{
  "servers": {
    "uptime-local": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "uptimeobserver-mcp"],
      "env": { "UPTIMEOBSERVER_API_KEY": "${UO_KEY}" }
    }
  }
}
`;
      const vscode = await home.writeConfig({ id: 'vscode' }, before);
      const finding = await findingIn(service, { id: 'vscode' });
      expect(finding).toMatchObject({ local: 'npx -y uptimeobserver-mcp', keepLocalPossible: true, endpoint: UO_URL, endpointFromEntry: false });
      expect((await failure(service.migrate(finding.id, { profile: 'uptime' }))).message).toBe(
        "'uptime-local' is a local server (npx -y uptimeobserver-mcp) that reads the key from its environment. Moving the key replaces it with KeyBridge's bridge to the remote endpoint, so a different server would run. Confirm that to move it; nothing was changed.",
      );
      expect(await bytes(vscode.configPath)).toBe(before);
      expect(stored()).toEqual([]);

      const kept = await service.migrate(finding.id, { action: 'keep-local' });
      expect(kept.message).toBe(
        `The key is out of ${vscode.configPath}: VS Code asks for it the next time it starts 'uptime-local' and keeps it in its own secret storage. KeyBridge does not keep this key, so have it at hand.`,
      );
      expect(await bytes(vscode.configPath)).toBe(`{
  "servers": {
    "uptime-local": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "uptimeobserver-mcp"],
      "env": { "UPTIMEOBSERVER_API_KEY": "\${input:uptime-local-key}" }
    }
  },
  "inputs": [
    {
      "type": "promptString",
      "id": "uptime-local-key",
      "description": "API key for uptime-local (taken out of this file by KeyBridge)",
      "password": true
    }
  ]
}
`);
      expect(stored()).toEqual([]);
      for (const copy of await listBackups(vscode.configPath, vscode.backupDir)) expect(await bytes(copy)).not.toContain(UO_KEY);
    });

    it('9. where the app has no secret inputs (Cursor), keeping the local server is refused with why; replacing it needs consent', async () => {
      const { home, service, bytes, stored } = await rig(platform);
      const before = json({ mcpServers: { 'uptime-local': { command: 'npx', args: ['-y', 'uptimeobserver-mcp'], env: { UPTIMEOBSERVER_API_KEY: UO_KEY } } } });
      const cursor = await home.writeConfig({ id: 'cursor' }, before);
      const finding = await findingIn(service, { id: 'cursor' });
      expect(finding).toMatchObject({ local: 'npx -y uptimeobserver-mcp', keepLocalPossible: false });
      expect((await failure(service.migrate(finding.id, { action: 'keep-local' }))).message).toBe(
        "Cursor reads a server's key only from its config file, so KeyBridge cannot keep 'uptime-local' running locally without the key there. Leave it as it is, or replace it with the bridge.",
      );
      expect(await bytes(cursor.configPath)).toBe(before);
      await service.migrate(finding.id, { profile: 'uptime', replaceLocal: true });
      expect(await bytes(cursor.configPath)).toBe(json({ mcpServers: { 'uptime-local': bridge('uptime') } }));
      expect(stored()).toEqual([{ name: 'uptime', fingerprint: keyFingerprint(UO_KEY) }]);
    });

    it('9. a local server with its key on the command line is named with the key masked', async () => {
      const { home, service } = await rig(platform);
      await home.writeConfig({ id: 'windsurf' }, json({ mcpServers: { uo: { command: 'uptimeobserver-mcp', args: ['--api-key', UO_KEY] } } }));
      const finding = await findingIn(service, { id: 'windsurf' });
      expect(finding).toMatchObject({ where: 'args[1]', local: `uptimeobserver-mcp --api-key uo_…${UO_KEY.slice(-4)}` });
      expect(JSON.stringify(scanReportView({ findings: [finding], errors: [] }))).not.toContain(UO_KEY);
    });

    // ---- 10 -----------------------------------------------------------------------------------
    it('10. backups made by Connect that hold a plaintext key are counted, named to the user, and scrubbed when it moves', async () => {
      const { home, service, bytes } = await rig(platform);
      const cursor = await home.writeConfig({ id: 'cursor' }, json({ mcpServers: { uptime: remote(UO_KEY) } }));
      await service.install({ id: 'cursor' }, 'other');
      await service.uninstall({ id: 'cursor' }, 'other');
      expect(clientViewOf(await service.status({ id: 'cursor' }))).toMatchObject({ plaintextKeys: 1, plaintextBackups: 2 });
      const finding = await findingIn(service, { id: 'cursor' });
      expect(finding.backupsHoldingKey).toBe(2);
      const moved = await service.migrate(finding.id, { profile: 'uptime' });
      expect(moved.message).toBe("Moved into KeyBridge as uptime. 'uptime' now starts the bridge. It was also removed from 2 earlier backups of the file.");
      const backups = await listBackups(cursor.configPath, cursor.backupDir);
      expect(backups).toHaveLength(3);
      for (const copy of backups) expect(await bytes(copy)).not.toContain(UO_KEY);
      expect(clientViewOf(await service.status({ id: 'cursor' }))).toMatchObject({ plaintextKeys: 0, plaintextBackups: 0 });
    });

    it('10. a backup KeyBridge cannot rewrite is named to the user; the move itself stands', async () => {
      const { home, service, bytes, stored } = await rig(platform);
      const cursor = await home.writeConfig({ id: 'cursor' }, json({ mcpServers: { uptime: remote(UO_KEY) } }));
      const { backupPath } = await service.install({ id: 'cursor' }, 'other');
      await chmod(backupPath!, 0o000);
      const moved = await asUser(home.dir, async () => service.migrate((await findingIn(service, { id: 'cursor' })).id, { profile: 'uptime' }));
      expect(moved.message).toBe(`Moved into KeyBridge as uptime. 'uptime' now starts the bridge. KeyBridge could not remove it from ${backupPath}: delete that backup yourself.`);
      expect(stored()).toEqual([{ name: 'uptime', fingerprint: keyFingerprint(UO_KEY) }]);
      expect(await bytes(cursor.configPath)).not.toContain(UO_KEY);
    });

    it('10. a file in a folder more open than itself is backed up to ~/.keybridge/backups (0700), never beside it', async () => {
      const { home, service, bytes } = await rig(platform);
      const text = json({ numStartups: 3, mcpServers: {} });
      const claudeCode = await home.writeConfig({ id: 'claude-code' }, text);
      await chmod(claudeCode.configPath, 0o600);
      await chmod(home.dir, 0o755); // HOME as most systems make it: others may enter it
      const { backupPath } = await service.install({ id: 'claude-code' }, 'uptime');
      expect(backupPath).not.toBeNull();
      expect(path.dirname(path.dirname(backupPath!))).toBe(path.join(home.dir, '.keybridge', 'backups'));
      expect(path.basename(backupPath!)).toMatch(/^\.claude\.json\.keybridge-backup-\d{8}T\d{9}Z$/);
      expect((await stat(path.dirname(backupPath!))).mode & 0o777).toBe(0o700);
      expect((await stat(path.join(home.dir, '.keybridge', 'backups'))).mode & 0o777).toBe(0o700);
      expect((await stat(backupPath!)).mode & 0o777).toBe(0o600);
      expect(await bytes(backupPath!)).toBe(text);
      expect((await listBackups(claudeCode.configPath)).length).toBe(0); // nothing beside the file
      expect(await listBackups(claudeCode.configPath, claudeCode.backupDir)).toEqual([backupPath]);
      // A folder no more open than the file: the backup stays beside it.
      const cursor = await home.writeConfig({ id: 'cursor' }, json({ mcpServers: {} }));
      const beside = await service.install({ id: 'cursor' }, 'uptime');
      expect(path.dirname(beside.backupPath!)).toBe(path.dirname(cursor.configPath));
    });

    // ---- 11 -----------------------------------------------------------------------------------
    it('11. "mcpServers": null counts as no servers; Connect replaces only the null', async () => {
      const { home, service, bytes } = await rig(platform);
      const before = '{\n  "globalShortcut": "Ctrl+Space",\n  "mcpServers": null\n}\n';
      const claude = await home.writeConfig({ id: 'claude-desktop' }, before);
      expect((await service.status({ id: 'claude-desktop' })).state).toBe('not-connected');
      await service.install({ id: 'claude-desktop' }, 'uptime');
      expect(await bytes(claude.configPath)).toBe(
        `{\n  "globalShortcut": "Ctrl+Space",\n  "mcpServers": {\n    "keybridge-uptime": {\n      "command": "${LAUNCHER}",\n      "args": [\n        "--profile",\n        "uptime"\n      ]\n    }\n  }\n}\n`,
      );
      expect((await service.status({ id: 'claude-desktop' })).state).toBe('connected');
    });

    it('11. "mcpServers": [] is reported where it is (file:line:column), and Connect refuses with that', async () => {
      const { home, service, bytes } = await rig(platform);
      const before = '{\n  "theme": "dark",\n  "mcpServers": []\n}\n';
      const cursor = await home.writeConfig({ id: 'cursor' }, before);
      const message = `${cursor.configPath}:3:17: "mcpServers" must be an object of servers, but it is a list. KeyBridge left the file untouched; fix it (or restore a backup) and try again.`;
      expect(await service.status({ id: 'cursor' })).toMatchObject({ state: 'error', error: { message, line: 3, column: 17 } });
      expect((await failure(service.install({ id: 'cursor' }, 'uptime'))).message).toBe(message);
      expect((await service.scanKeys()).errors).toEqual([{ ref: { id: 'cursor' }, label: 'Cursor', configPath: cursor.configPath, scope: null, message }]);
      expect(await bytes(cursor.configPath)).toBe(before);
    });

    it('11. a read-only (0444) file is refused with the reason, never replaced; nothing reaches the vault', async () => {
      const { home, service, bytes, stored } = await rig(platform);
      const before = json({ mcpServers: { uptime: remote(UO_KEY) } });
      const cursor = await home.writeConfig({ id: 'cursor' }, before);
      await chmod(cursor.configPath, 0o444);
      const reason = `KeyBridge did not change ${cursor.configPath}: the file is read-only (mode 0444); make it writable (chmod u+w) if KeyBridge may change it, or add the entry by hand (Show snippet). Nothing was changed.`;
      expect((await failure(service.install({ id: 'cursor' }, 'uptime'))).message).toBe(reason);
      const finding = await findingIn(service, { id: 'cursor' });
      expect((await failure(service.migrate(finding.id, { profile: 'uptime' }))).message).toBe(`${reason} The key is still in the file, and KeyBridge did not keep it. Fix that and try again.`);
      expect(await bytes(cursor.configPath)).toBe(before);
      expect((await stat(cursor.configPath)).mode & 0o777).toBe(0o444);
      expect(stored()).toEqual([]);
      expect(await listBackups(cursor.configPath, cursor.backupDir)).toEqual([]);
    });

    it('11. a dangling symlink is written through to its target; one into a missing folder is refused', async () => {
      const { home, service, bytes } = await rig(platform);
      const cursor = await home.installApp({ id: 'cursor' });
      await mkdir(path.join(home.dir, 'dotfiles'));
      await symlink('../dotfiles/cursor-mcp.json', cursor.configPath);
      await service.install({ id: 'cursor' }, 'uptime');
      expect((await lstat(cursor.configPath)).isSymbolicLink()).toBe(true);
      expect(await readlink(cursor.configPath)).toBe('../dotfiles/cursor-mcp.json');
      expect(await bytes(path.join(home.dir, 'dotfiles', 'cursor-mcp.json'))).toBe(json({ mcpServers: { 'keybridge-uptime': bridge('uptime') } }));

      const windsurf = await home.installApp({ id: 'windsurf' });
      await symlink(path.join(home.dir, 'gone', 'mcp_config.json'), windsurf.configPath);
      expect((await failure(service.install({ id: 'windsurf' }, 'uptime'))).message).toBe(
        `KeyBridge did not change ${windsurf.configPath}: it is a symbolic link to ${path.join(home.dir, 'gone', 'mcp_config.json')}, whose folder does not exist; create it (or replace the link with a file) and try again. Nothing was changed.`,
      );
      expect((await lstat(windsurf.configPath)).isSymbolicLink()).toBe(true);
    });
  });
}
