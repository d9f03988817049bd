// Every place one client keeps MCP servers: the main block KeyBridge installs into, Claude
// Code's per-project blocks in the same file, and VS Code's older `"mcp"` block in its
// settings.json. Each file is read on its own: a file (or a block) KeyBridge cannot read is
// reported with its path and reason, and every other one is still used.
import { ConfigParseError, parseConfig, serversAt, valueAt, type ConfigDocument } from './config-parse';
import { ConfigReadError, readText } from './config-access';
import type { ClientTarget } from './registry';

export interface ServerBlock {
  configPath: string;
  /** Where the servers object is in the file. */
  path: string[];
  /** Null for the main block; else how the UI names it (`project /src/app`, `settings.json`). */
  scope: string | null;
  /** Claude Code's project folder, for a project block. */
  project: string | null;
  /** Where this block's `${input:…}` variables are declared, when the app has them (VS Code). */
  inputsPath: string[] | null;
}

export interface ReadBlock {
  block: ServerBlock;
  servers: Record<string, unknown>;
}

/** One file's problem, for its client's card and the migration dialog. */
export interface FileProblem {
  configPath: string;
  /** Null when the file cannot be read at all; else the block that is broken. */
  scope: string | null;
  message: string;
}

export interface ClientFile {
  configPath: string;
  /** The main file (the one KeyBridge installs into). */
  primary: boolean;
}

/** The files a client's servers live in, the main one first. */
export function filesOf(target: ClientTarget): ClientFile[] {
  const extra = [...new Set(target.extraBlocks.map((b) => b.configPath))].filter((f) => f !== target.configPath);
  return [{ configPath: target.configPath, primary: true }, ...extra.map((configPath) => ({ configPath, primary: false }))];
}

function inputsBeside(target: ClientTarget, path: string[]): string[] | null {
  return target.secretInputs ? [...path.slice(0, -1), 'inputs'] : null;
}

/** The blocks of one file of a client, given its parsed document. */
export function blocksIn(target: ClientTarget, doc: ConfigDocument): ServerBlock[] {
  const blocks: ServerBlock[] = [];
  if (doc.file === target.configPath) {
    const path = [target.serversKey];
    blocks.push({ configPath: doc.file, path, scope: null, project: null, inputsPath: inputsBeside(target, path) });
    const projects = target.projectScopes ? valueAt(doc, ['projects']) : undefined;
    if (projects && typeof projects === 'object' && !Array.isArray(projects)) {
      for (const [project, settings] of Object.entries(projects as Record<string, unknown>)) {
        if (!settings || typeof settings !== 'object' || Array.isArray(settings)) continue;
        if (!('mcpServers' in settings)) continue;
        blocks.push({ configPath: doc.file, path: ['projects', project, 'mcpServers'], scope: `project ${project}`, project, inputsPath: null });
      }
    }
  }
  for (const extra of target.extraBlocks) {
    if (extra.configPath !== doc.file) continue;
    blocks.push({ configPath: doc.file, path: extra.serversPath, scope: extra.scope, project: null, inputsPath: inputsBeside(target, extra.serversPath) });
  }
  return blocks;
}

export interface FileRead {
  file: ClientFile;
  text: string;
  blocks: ReadBlock[];
  problems: FileProblem[];
}

/** The blocks of one text of a file; a broken block is a problem, the others are still read. */
export function readBlocksOf(target: ClientTarget, configPath: string, text: string): { blocks: ReadBlock[]; problems: FileProblem[] } {
  const doc = parseConfig(configPath, text);
  const blocks: ReadBlock[] = [];
  const problems: FileProblem[] = [];
  for (const block of blocksIn(target, doc)) {
    try {
      blocks.push({ block, servers: serversAt(doc, block.path) });
    } catch (error) {
      if (!(error instanceof ConfigParseError)) throw error;
      // The main block's problem is the file's problem; a project's or settings.json's is its own.
      if (block.scope === null) throw error;
      problems.push({ configPath, scope: block.scope, message: error.message });
    }
  }
  return { blocks, problems };
}

/** Reads every file of a client. Never throws for a file's own problem. */
export async function readClientFiles(target: ClientTarget): Promise<FileRead[]> {
  const reads: FileRead[] = [];
  for (const file of filesOf(target)) {
    let text = '';
    try {
      text = await readText(file.configPath);
      const { blocks, problems } = readBlocksOf(target, file.configPath, text);
      reads.push({ file, text, blocks, problems });
    } catch (error) {
      if (!(error instanceof ConfigReadError || error instanceof ConfigParseError)) throw error;
      reads.push({ file, text, blocks: [], problems: [{ configPath: file.configPath, scope: null, message: error.message }] });
    }
  }
  return reads;
}
