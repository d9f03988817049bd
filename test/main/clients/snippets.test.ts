import { afterEach, describe, expect, it } from 'vitest';
import { ClientsService } from '../../../src-main/clients/service';
import { cursorInstallLink, vscodeInstallLink } from '../../../src-main/clients/snippets';
import { NO_VAULT, tempHome, type TempHome } from './temp-home';

// A launcher path with a space and a quote, to prove the links survive encoding.
const entry = { launcherPath: "/Users/Ann O'Neil/.keybridge/bin/keybridge-bridge" };
let home: TempHome | null = null;
afterEach(async () => {
  await home?.remove();
  home = null;
});

describe('snippets and install links', () => {
  it('the Cursor link decodes back to the entry', () => {
    const link = new URL(cursorInstallLink('mcp-cursor', entry));
    expect(`${link.protocol}//${link.host}${link.pathname}`).toBe('cursor://anysphere.cursor-deeplink/mcp/install');
    expect(link.searchParams.get('name')).toBe('keybridge-mcp-cursor');
    const config: unknown = JSON.parse(Buffer.from(link.searchParams.get('config') ?? '', 'base64').toString('utf8'));
    expect(config).toEqual({ command: entry.launcherPath, args: ['--profile', 'mcp-cursor'] });
  });

  it('the VS Code links decode back to the entry with its name', () => {
    for (const [insiders, scheme] of [[false, 'vscode:'], [true, 'vscode-insiders:']] as const) {
      const link = vscodeInstallLink('mcp-vscode', entry, insiders);
      expect(link.startsWith(`${scheme}mcp/install?`)).toBe(true);
      const body: unknown = JSON.parse(decodeURIComponent(link.slice(link.indexOf('?') + 1)));
      expect(body).toEqual({ name: 'keybridge-mcp-vscode', type: 'stdio', command: entry.launcherPath, args: ['--profile', 'mcp-vscode'] });
      expect(link).not.toMatch(/[\s"{}]/);
    }
  });

  it('per client: the exact JSON to paste, and the link where the client has one', async () => {
    home = await tempHome('linux');
    const service = new ClientsService({ host: home.host, entry, vault: NO_VAULT });
    const claude = service.snippet({ id: 'claude-desktop' }, 'mcp-claude');
    expect(JSON.parse(claude.json)).toEqual({ mcpServers: { 'keybridge-mcp-claude': { command: entry.launcherPath, args: ['--profile', 'mcp-claude'] } } });
    expect(claude.installLink).toBeNull();
    const vscode = service.snippet({ id: 'vscode' }, 'p');
    expect(JSON.parse(vscode.json)).toEqual({ servers: { 'keybridge-p': { type: 'stdio', command: entry.launcherPath, args: ['--profile', 'p'] } } });
    expect(vscode.installLink).toBe(vscodeInstallLink('p', entry));
    expect(service.snippet({ id: 'vscode-insiders' }, 'p').installLink).toBe(vscodeInstallLink('p', entry, true));
    expect(service.snippet({ id: 'cursor' }, 'p').installLink).toBe(cursorInstallLink('p', entry));
    expect(JSON.parse(service.snippet({ id: 'claude-code' }, 'p').json)).toEqual({
      mcpServers: { 'keybridge-p': { type: 'stdio', command: entry.launcherPath, args: ['--profile', 'p'] } },
    });
    expect(JSON.parse(service.snippet({ id: 'windsurf' }, 'p').json)).toHaveProperty(['mcpServers', 'keybridge-p']);
  });

  it('refuses a secret in the entry environment and bad profile names', () => {
    expect(() => cursorInstallLink('p', { ...entry, env: { AUTH: 'Bearer sk-secret-123' } })).toThrow('never carries a key');
    expect(() => cursorInstallLink('p', { ...entry, env: { K: 'uo_test123456789' } })).toThrow('never carries a key');
    expect(() => cursorInstallLink('bad name', entry)).toThrow();
  });
});
