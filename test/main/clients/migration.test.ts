import { readFile } from 'node:fs/promises';
import { parse } from 'jsonc-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { listBackups } from '../../../src-main/clients/config-backups';
import type { MigrationTarget } from '../../../src-main/clients/migration';
import { ClientsService } from '../../../src-main/clients/service';
import { addProfileInputSchema, type AddProfileInput } from '../../../src-shared/profile';
import { keyFingerprint } from '../../../src-main/upstream/key-fingerprint';
import { LAUNCHER, tempHome, type TempHome } from './temp-home';

const UM_KEY = 'umk_live_test9c2e71d04b5a8f36';
const UO_KEY = 'uo_test5d1f0a9b7c3e2d48';

/** A vault-like target: validates like the vault's boundary, keeps keys in memory. */
function memoryVault(): MigrationTarget & { stored: AddProfileInput[] } {
  const stored: AddProfileInput[] = [];
  return {
    stored,
    async addProfile(input) {
      const parsed = addProfileInputSchema.parse(input);
      if (stored.some((p) => p.name === parsed.name)) throw new Error(`A profile named '${parsed.name}' already exists.`);
      stored.push(parsed);
      return parsed;
    },
    async removeProfile(name) {
      stored.splice(stored.findIndex((p) => p.name === name), 1);
    },
    profiles: () => stored.map((p) => ({ name: p.name, fingerprint: keyFingerprint(p.key) })),
  };
}

let home: TempHome | null = null;
let service: ClientsService | null = null;
afterEach(async () => {
  service?.close();
  await home?.remove();
  home = service = null;
});

async function setup(platform: 'linux' | 'darwin' = 'linux') {
  home = await tempHome(platform);
  const vault = memoryVault();
  service = new ClientsService({ host: home.host, entry: { launcherPath: LAUNCHER }, vault });
  return { home, vault, service };
}

describe('plaintext key migration', () => {
  it("moves mcp-remote's --header \"Authorization: Bearer umk_live_test…\" into the vault", async () => {
    const { home, vault, service } = await setup('darwin');
    const original = `{
  "mcpServers": {
    "filesystem": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"] },
    "uptime": {
      "command": "npx",
      "args": ["mcp-remote", "https://mcp.uptimemonitoring.example/mcp", "--header", "Authorization: Bearer ${UM_KEY}"]
    }
  }
}
`;
    const target = await home.writeConfig({ id: 'claude-desktop' }, original);
    const { findings, errors } = await service.scanKeys();
    expect(errors).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      client: 'claude-desktop',
      entryName: 'uptime',
      where: 'args[3]',
      maskedKey: 'umk_live_…8f36',
      vendor: 'uptimemonitoring',
      auth: 'bearer',
      endpoint: 'https://mcp.uptimemonitoring.example/mcp',
      problem: null,
      suggestedProfile: 'uptime',
    });
    expect(JSON.stringify(findings)).not.toContain(UM_KEY.slice(9, 20));
    expect((await service.status({ id: 'claude-desktop' })).plaintextKeys).toBe(1);

    const result = await service.migrate(findings[0]!.id, { profile: 'mcp-claude' });
    expect(result.entryNames).toEqual(['uptime']);
    expect(vault.stored).toEqual([
      expect.objectContaining({
        name: 'mcp-claude',
        vendor: 'uptimemonitoring',
        endpoint: 'https://mcp.uptimemonitoring.example/mcp',
        auth: 'bearer',
        key: UM_KEY,
      }),
    ]);
    const after = await readFile(target.configPath, 'utf8');
    expect(after).not.toContain(UM_KEY);
    expect(after).not.toMatch(/umk_live_|Bearer/);
    expect((parse(after) as { mcpServers: Record<string, unknown> }).mcpServers).toEqual({
      filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
      uptime: { command: LAUNCHER, args: ['--profile', 'mcp-claude'] },
    });
    expect(after.startsWith(original.slice(0, original.indexOf('"uptime"')))).toBe(true);
    // The backup restores the file's shape; the key itself lives only in the vault now.
    const backups = await listBackups(target.configPath);
    expect(backups).toEqual([result.backupPath]);
    expect(await readFile(backups[0]!, 'utf8')).toBe(original.replace(UM_KEY, '<moved to KeyBridge profile mcp-claude>'));
    expect(await service.status({ id: 'claude-desktop' })).toMatchObject({
      state: 'connected',
      connected: [{ entryName: 'uptime', profile: 'mcp-claude' }],
      plaintextKeys: 0,
    });
    expect((await service.scanKeys()).findings).toEqual([]);
  });

  it('finds --header Authorization:${AUTH_HEADER} with the value in env', async () => {
    const { home, vault, service } = await setup();
    const target = await home.writeConfig(
      { id: 'cursor' },
      JSON.stringify(
        {
          mcpServers: {
            um: {
              command: 'npx',
              args: ['-y', 'mcp-remote', 'https://um.example/mcp', '--header', 'Authorization:${AUTH_HEADER}'],
              env: { AUTH_HEADER: `Bearer ${UM_KEY}` },
            },
          },
        },
        null,
        2,
      ),
    );
    const [finding] = (await service.scanKeys()).findings;
    expect(finding).toMatchObject({ where: 'env.AUTH_HEADER', maskedKey: 'umk_live_…8f36', auth: 'bearer', endpoint: 'https://um.example/mcp' });
    await service.migrate(finding!.id, { profile: 'mcp-cursor' });
    expect(vault.stored[0]).toMatchObject({ name: 'mcp-cursor', key: UM_KEY, vendor: 'uptimemonitoring' });
    expect(await readFile(target.configPath, 'utf8')).not.toContain('umk_live_');
  });

  it('finds --header "Authorization: Bearer ${TOKEN}" with only the key in env', async () => {
    const { home, service } = await setup();
    await home.writeConfig(
      { id: 'cursor' },
      JSON.stringify({
        mcpServers: {
          um: { command: 'npx', args: ['mcp-remote', 'https://um.example/mcp', '--header', 'Authorization: Bearer ${TOKEN}'], env: { TOKEN: UM_KEY } },
          uo: { command: 'npx', args: ['mcp-remote', 'https://mcp.uptimeobserver.com/mcp', '--header=X-API-Key:${KEY}'], env: { KEY: UO_KEY } },
        },
      }),
    );
    const { findings } = await service.scanKeys();
    expect(findings.map((f) => [f.entryName, f.where, f.auth, f.vendor])).toEqual([
      ['um', 'env.TOKEN', 'bearer', 'uptimemonitoring'],
      ['uo', 'env.KEY', 'x-api-key', 'uptimeobserver'],
    ]);
  });

  it('finds headers, X-API-Key, env keys and custom bearer tokens; ignores placeholders', async () => {
    const { home, service } = await setup();
    await home.writeConfig(
      { id: 'vscode' },
      `{
  // remote servers
  "servers": {
    "uo": { "type": "http", "url": "https://mcp.uptimeobserver.com/mcp", "headers": { "X-API-Key": "${UO_KEY}" } },
    "uo-local": { "type": "stdio", "command": "npx", "args": ["uptimeobserver-mcp"], "env": { "UPTIMEOBSERVER_API_KEY": "${UO_KEY}x" } },
    "custom": { "type": "http", "url": "https://tools.example.com/mcp", "headers": { "Authorization": "Bearer sk-test-4f9a8b7c6d5e" } },
    "prompted": { "type": "http", "url": "https://x.example/mcp", "headers": { "Authorization": "Bearer \${input:token}" } },
    "plain": { "type": "stdio", "command": "node", "args": ["server.js"] }
  }
}`,
    );
    const { findings } = await service.scanKeys();
    expect(findings.map((f) => [f.entryName, f.where, f.vendor, f.auth, f.endpoint, f.maskedKey])).toEqual([
      ['uo', 'headers.X-API-Key', 'uptimeobserver', 'x-api-key', 'https://mcp.uptimeobserver.com/mcp', 'uo_…2d48'],
      ['uo-local', 'env.UPTIMEOBSERVER_API_KEY', 'uptimeobserver', 'x-api-key', 'https://mcp.uptimeobserver.com/mcp', 'uo_…d48x'],
      ['custom', 'headers.Authorization', 'custom', 'bearer', 'https://tools.example.com/mcp', '…6d5e'],
    ]);
    expect(JSON.stringify(findings)).not.toMatch(/test5d1f|4f9a8b7c/);
  });

  it('moves the same key out of every entry of the file at once', async () => {
    const { home, vault, service } = await setup();
    const target = await home.writeConfig(
      { id: 'windsurf' },
      JSON.stringify({
        mcpServers: {
          a: { serverUrl: 'https://mcp.uptimeobserver.com/mcp', headers: { Authorization: `Bearer ${UO_KEY}` } },
          b: { command: 'npx', args: ['mcp-remote', 'https://mcp.uptimeobserver.com/mcp', '--header', `X-API-Key: ${UO_KEY}`] },
        },
      }),
    );
    // An earlier edit by KeyBridge left a backup that still holds the key.
    await service.install({ id: 'windsurf' }, 'other');
    const { findings } = await service.scanKeys();
    expect(findings).toHaveLength(2);
    const result = await service.migrate(findings[0]!.id, { profile: 'uo-main' });
    expect(result.entryNames).toEqual(['a', 'b']);
    expect(vault.stored).toHaveLength(1);
    expect(vault.stored[0]).toMatchObject({ auth: 'bearer', vendor: 'uptimeobserver' });
    expect(await readFile(target.configPath, 'utf8')).not.toContain(UO_KEY);
    const backups = await listBackups(target.configPath);
    expect(backups).toHaveLength(2);
    for (const copy of backups) {
      const text = await readFile(copy, 'utf8');
      expect(text).not.toContain(UO_KEY);
      expect(text.split('<moved to KeyBridge profile uo-main>')).toHaveLength(3);
    }
  });

  it('changes nothing when the key would stay in the file or the vault refuses', async () => {
    const { home, vault, service } = await setup();
    const withComment = `{
  // old key: ${UO_KEY}
  "mcpServers": { "uo": { "url": "https://mcp.uptimeobserver.com/mcp", "headers": { "X-API-Key": "${UO_KEY}" } } }
}`;
    const target = await home.writeConfig({ id: 'cursor' }, withComment);
    const [finding] = (await service.scanKeys()).findings;
    await expect(service.migrate(finding!.id, { profile: 'uo1' })).rejects.toThrow(`${target.configPath}:2:15`);
    expect(vault.stored).toEqual([]);
    expect(await readFile(target.configPath, 'utf8')).toBe(withComment);

    const clean = withComment.replace(/ *\/\/.*\n/, '');
    await home.writeConfig({ id: 'cursor' }, clean);
    await vault.addProfile({ name: 'taken', vendor: 'custom', endpoint: 'https://a.example/mcp', auth: 'bearer', key: 'sk-other-123456789' });
    const [again] = (await service.scanKeys()).findings;
    await expect(service.migrate(again!.id, { profile: 'taken' })).rejects.toThrow("A profile named 'taken' already exists.");
    expect(await readFile(target.configPath, 'utf8')).toBe(clean);
    await expect(service.migrate('0000000000000000', { profile: 'x' })).rejects.toThrow('Scan again');
  });

  it('needs a URL when the entry has none and the vendor has no default', async () => {
    const { home, vault, service } = await setup();
    await home.writeConfig({ id: 'claude-code' }, JSON.stringify({ mcpServers: { um: { type: 'stdio', command: 'um-mcp', env: { UM_KEY } } } }));
    const [finding] = (await service.scanKeys()).findings;
    expect(finding).toMatchObject({ endpoint: null, endpointFromEntry: false, problem: expect.stringContaining('MCP URL'), local: 'um-mcp' });
    await expect(service.migrate(finding!.id, { profile: 'um', replaceLocal: true })).rejects.toThrow('MCP URL');
    await service.migrate(finding!.id, { profile: 'um', endpoint: 'https://um.example/mcp', replaceLocal: true });
    expect(vault.stored[0]).toMatchObject({ endpoint: 'https://um.example/mcp', key: UM_KEY });
    expect(await service.status({ id: 'claude-code' })).toMatchObject({ state: 'connected', connected: [{ entryName: 'um', profile: 'um' }] });
  });
});
