// Which assistants KeyBridge connects, and where each keeps its MCP servers, per OS.
// Pure: paths come from the injected Host, so all three layouts are computed on any OS.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { appDataDir, envVar, localAppDataDir, pathFor, type Host } from './host';

export const clientIdSchema = z.enum(['claude-desktop', 'cursor', 'cursor-project', 'vscode', 'vscode-insiders', 'vscode-project', 'windsurf', 'claude-code']);
export type ClientId = z.infer<typeof clientIdSchema>;

/** The clients that live in a project folder the user adds (workspace configs). */
export const PROJECT_CLIENT_IDS = ['cursor-project', 'vscode-project'] as const;
export function isProjectClient(id: ClientId): id is (typeof PROJECT_CLIENT_IDS)[number] {
  return (PROJECT_CLIENT_IDS as readonly ClientId[]).includes(id);
}

/** Names one client's config; `projectDir` is required for (and only for) the project clients. */
export const clientRefSchema = z
  .object({ id: clientIdSchema, projectDir: z.string().min(1).optional() })
  .refine((ref) => isProjectClient(ref.id) === (ref.projectDir !== undefined), {
    message: "A project's folder is required for workspace configs (and only for them).",
  });
export type ClientRef = z.infer<typeof clientRefSchema>;

/** The global clients, in the order the UI lists them (the project clients are on request). */
export const USER_CLIENT_IDS: readonly ClientId[] = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'vscode-insiders', 'windsurf'];

/** Another place in the client's files that holds servers: KeyBridge reads it and moves keys
 * out of it in place, but installs only into the main block. */
export interface ExtraBlock {
  configPath: string;
  serversPath: string[];
  /** How the UI names it, e.g. `settings.json`. */
  scope: string;
}

export interface ClientLocation {
  configPath: string;
  /** The folder whose existence shows the app is installed (or has run) at this location. */
  presenceDir: string;
}

export interface ClientSpec {
  id: ClientId;
  label: string;
  /** Candidate locations, most specific first; the first whose presenceDir exists is used. */
  locations: ClientLocation[];
  /** The object holding the servers: VS Code says `servers`, everyone else `mcpServers`. */
  serversKey: 'mcpServers' | 'servers';
  /** Whether entries carry `"type": "stdio"` (VS Code requires it; Claude Code writes it). */
  typedEntries: boolean;
  /** The app rewrites its file while running (Claude Desktop): report removals, never fight. */
  rewritesWhileRunning: boolean;
  /** Claude Code keeps project-scoped servers (`claude mcp add`'s default) under
   * `projects["<path>"].mcpServers` in the same file. */
  projectScopes: boolean;
  /** Servers in other files: VS Code's older `"mcp": {"servers": …}` block in settings.json. */
  extraBlocks: ExtraBlock[];
  /** The app reads `${input:id}` variables from an `inputs` list beside the servers and keeps
   * their values in its own secret storage (VS Code): a local server can keep running with its
   * key out of the file. */
  secretInputs: boolean;
}

/** A client resolved on this machine: the one location in use and whether the app is there. */
export interface ClientTarget extends Omit<ClientSpec, 'locations'> {
  ref: ClientRef;
  configPath: string;
  presenceDir: string;
  present: boolean;
  /** Private (0700) folder for backups of files whose own folder is more open than they are. */
  backupDir: string;
}

// The MSIX (Microsoft Store) build of Claude Desktop: its AppData writes are virtualised here.
const CLAUDE_MSIX_PACKAGE = 'Claude_pzs8sxrjxfjjc';

export function clientSpec(ref: ClientRef, host: Host): ClientSpec {
  const p = pathFor(host.platform);
  const home = host.homeDir;
  const at = (presenceDir: string, ...rest: string[]): ClientLocation => ({ configPath: p.join(presenceDir, ...rest), presenceDir });
  const base = { serversKey: 'mcpServers' as const, typedEntries: false, rewritesWhileRunning: false, projectScopes: false, extraBlocks: [], secretInputs: false };
  switch (ref.id) {
    case 'claude-desktop': {
      const standard = at(p.join(appDataDir(host), 'Claude'), 'claude_desktop_config.json');
      const msixPackage = p.join(localAppDataDir(host), 'Packages', CLAUDE_MSIX_PACKAGE);
      const msix = { configPath: p.join(msixPackage, 'LocalCache', 'Roaming', 'Claude', 'claude_desktop_config.json'), presenceDir: msixPackage };
      return { ...base, id: ref.id, label: 'Claude Desktop', rewritesWhileRunning: true, locations: host.platform === 'win32' ? [msix, standard] : [standard] };
    }
    case 'claude-code': {
      // CLAUDE_CONFIG_DIR moves the whole config, .claude.json included.
      const dir = envVar(host, 'CLAUDE_CONFIG_DIR');
      const locations = dir ? [at(dir, '.claude.json')] : [{ configPath: p.join(home, '.claude.json'), presenceDir: p.join(home, '.claude') }];
      return { ...base, id: ref.id, label: 'Claude Code', typedEntries: true, projectScopes: true, locations };
    }
    case 'cursor':
      return { ...base, id: ref.id, label: 'Cursor', locations: [at(p.join(home, '.cursor'), 'mcp.json')] };
    case 'cursor-project': {
      const project = ref.projectDir ?? '';
      return { ...base, id: ref.id, label: `Cursor (${p.basename(project)})`, locations: [{ configPath: p.join(project, '.cursor', 'mcp.json'), presenceDir: project }] };
    }
    case 'vscode':
    case 'vscode-insiders': {
      const product = ref.id === 'vscode' ? 'Code' : 'Code - Insiders';
      const label = ref.id === 'vscode' ? 'VS Code' : 'VS Code Insiders';
      const dir = p.join(appDataDir(host), product);
      const settings: ExtraBlock = { configPath: p.join(dir, 'User', 'settings.json'), serversPath: ['mcp', 'servers'], scope: 'settings.json' };
      return {
        ...base,
        id: ref.id,
        label,
        serversKey: 'servers',
        typedEntries: true,
        secretInputs: true,
        extraBlocks: [settings],
        locations: [{ configPath: p.join(dir, 'User', 'mcp.json'), presenceDir: dir }],
      };
    }
    case 'vscode-project': {
      const project = ref.projectDir ?? '';
      const location = { configPath: p.join(project, '.vscode', 'mcp.json'), presenceDir: project };
      return { ...base, id: ref.id, label: `VS Code (${p.basename(project)})`, serversKey: 'servers', typedEntries: true, secretInputs: true, locations: [location] };
    }
    case 'windsurf':
      return { ...base, id: ref.id, label: 'Windsurf', locations: [at(p.join(home, '.codeium', 'windsurf'), 'mcp_config.json')] };
  }
}

/** Resolves a client on this machine. Claude Code also counts as present when its file exists. */
export function resolveClient(ref: ClientRef, host: Host, exists: (path: string) => boolean = existsSync): ClientTarget {
  const { locations, ...spec } = clientSpec(ref, host);
  const found = locations.find((l) => exists(l.presenceDir) || exists(l.configPath));
  // The last location is where a client not found anywhere would be set up.
  const location = found ?? locations.at(-1);
  if (!location) throw new Error(`No config location is known for ${ref.id}.`);
  const backupDir = pathFor(host.platform).join(host.homeDir, '.keybridge', 'backups');
  return { ...spec, ref, configPath: location.configPath, presenceDir: location.presenceDir, present: found !== undefined, backupDir };
}
