import { describe, expect, it } from 'vitest';
import { clientSpec, resolveClient, type ClientRef } from '../../../src-main/clients/registry';
import type { Host } from '../../../src-main/clients/host';

const linux: Host = { platform: 'linux', homeDir: '/home/ann', env: {} };
const mac: Host = { platform: 'darwin', homeDir: '/Users/ann', env: {} };
const win: Host = {
  platform: 'win32',
  homeDir: 'C:\\Users\\ann',
  env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' },
};
const none = () => false;
const configPath = (ref: ClientRef, host: Host) => resolveClient(ref, host, none).configPath;

describe('client config paths per OS', () => {
  it('linux', () => {
    expect(configPath({ id: 'claude-desktop' }, linux)).toBe('/home/ann/.config/Claude/claude_desktop_config.json');
    expect(configPath({ id: 'cursor' }, linux)).toBe('/home/ann/.cursor/mcp.json');
    expect(configPath({ id: 'vscode' }, linux)).toBe('/home/ann/.config/Code/User/mcp.json');
    expect(configPath({ id: 'vscode-insiders' }, linux)).toBe('/home/ann/.config/Code - Insiders/User/mcp.json');
    expect(configPath({ id: 'windsurf' }, linux)).toBe('/home/ann/.codeium/windsurf/mcp_config.json');
    expect(configPath({ id: 'claude-code' }, linux)).toBe('/home/ann/.claude.json');
    expect(configPath({ id: 'cursor-project', projectDir: '/src/app' }, linux)).toBe('/src/app/.cursor/mcp.json');
  });

  it('linux honours XDG_CONFIG_HOME and CLAUDE_CONFIG_DIR', () => {
    const host = { ...linux, env: { XDG_CONFIG_HOME: '/xdg', CLAUDE_CONFIG_DIR: '/cc' } };
    expect(configPath({ id: 'vscode' }, host)).toBe('/xdg/Code/User/mcp.json');
    expect(configPath({ id: 'claude-desktop' }, host)).toBe('/xdg/Claude/claude_desktop_config.json');
    expect(configPath({ id: 'claude-code' }, host)).toBe('/cc/.claude.json');
  });

  it('macOS', () => {
    expect(configPath({ id: 'claude-desktop' }, mac)).toBe('/Users/ann/Library/Application Support/Claude/claude_desktop_config.json');
    expect(configPath({ id: 'vscode' }, mac)).toBe('/Users/ann/Library/Application Support/Code/User/mcp.json');
    expect(configPath({ id: 'vscode-insiders' }, mac)).toBe('/Users/ann/Library/Application Support/Code - Insiders/User/mcp.json');
    expect(configPath({ id: 'cursor' }, mac)).toBe('/Users/ann/.cursor/mcp.json');
    expect(configPath({ id: 'windsurf' }, mac)).toBe('/Users/ann/.codeium/windsurf/mcp_config.json');
    expect(configPath({ id: 'claude-code' }, mac)).toBe('/Users/ann/.claude.json');
  });

  it('Windows, including the MSIX build of Claude Desktop', () => {
    expect(configPath({ id: 'claude-desktop' }, win)).toBe('C:\\Users\\ann\\AppData\\Roaming\\Claude\\claude_desktop_config.json');
    const msixDir = 'C:\\Users\\ann\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc';
    const msix = resolveClient({ id: 'claude-desktop' }, win, (p) => p === msixDir);
    expect(msix).toMatchObject({
      present: true,
      configPath: `${msixDir}\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json`,
    });
    expect(configPath({ id: 'vscode' }, win)).toBe('C:\\Users\\ann\\AppData\\Roaming\\Code\\User\\mcp.json');
    expect(configPath({ id: 'cursor' }, win)).toBe('C:\\Users\\ann\\.cursor\\mcp.json');
    expect(configPath({ id: 'windsurf' }, win)).toBe('C:\\Users\\ann\\.codeium\\windsurf\\mcp_config.json');
    expect(configPath({ id: 'claude-code' }, win)).toBe('C:\\Users\\ann\\.claude.json');
    // Without APPDATA: the default under the profile folder.
    expect(configPath({ id: 'vscode' }, { ...win, env: {} })).toBe('C:\\Users\\ann\\AppData\\Roaming\\Code\\User\\mcp.json');
  });

  it('entry shapes: VS Code uses servers + type stdio, Claude Code typed mcpServers, others plain', () => {
    const shape = (id: ClientRef['id']) => {
      const s = clientSpec({ id }, linux);
      return [s.serversKey, s.typedEntries];
    };
    expect(shape('vscode')).toEqual(['servers', true]);
    expect(shape('vscode-insiders')).toEqual(['servers', true]);
    expect(shape('claude-code')).toEqual(['mcpServers', true]);
    expect(shape('claude-desktop')).toEqual(['mcpServers', false]);
    expect(shape('cursor')).toEqual(['mcpServers', false]);
    expect(shape('windsurf')).toEqual(['mcpServers', false]);
  });

  it('presence: absent until the app folder exists', () => {
    expect(resolveClient({ id: 'cursor' }, linux, none).present).toBe(false);
    expect(resolveClient({ id: 'cursor' }, linux, (p) => p === '/home/ann/.cursor').present).toBe(true);
  });
});
