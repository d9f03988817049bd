// The clients module's front door, for the shell (IPC, tray): every assistant's state,
// install/uninstall, snippets, the key scan and migration, test connection, and change events.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { ProbeResult } from '../../src-shared/profile';
import { bridgeEntry, bridgeEntryOptionsSchema, sameJson, type BridgeEntryOptions } from './bridge-entry';
import { serialized } from './file-queue';
import { watchFile, type FileWatch } from './file-watch';
import { hostSchema, type Host } from './host';
import { clientStatus, install, uninstall, type ClientStatus, type InstallResult, type UninstallResult } from './installer';
import { freeName, scanClient, type KeyFinding } from './key-findings';
import { migrate, type MigrationTarget } from './migration';
import type { MigrationResult } from './migration-outcome';
import type { MigrateOptions } from './migration-plan';
import { clientRefSchema, PROJECT_CLIENT_IDS, resolveClient, USER_CLIENT_IDS, type ClientId, type ClientRef, type ClientTarget } from './registry';
import { filesOf } from './server-blocks';
import { cursorInstallLink, snippet, vscodeInstallLink, type Snippet } from './snippets';
import { testConnection, type TestConnectionOptions } from './test-connection';
import { UserError } from '../../src-shared/user-error';

export interface ClientsServiceOptions {
  host: Host;
  /** The launcher path (and any secret-free env) every entry uses. */
  entry: BridgeEntryOptions;
  /** Where migrated keys go (the vault). */
  vault: MigrationTarget;
  /** Project folders whose `.cursor/mcp.json` and `.vscode/mcp.json` the user asked to manage. */
  cursorProjects?: string[];
  /** Where the project folders the user adds are kept between runs (JSON list). */
  projectsFile?: string;
  debounceMs?: number;
}

/** Our entry vanished without KeyBridge removing it (e.g. Claude Desktop rewrote its file). */
export interface EntryRemovedEvent {
  client: ClientId;
  ref: ClientRef;
  label: string;
  configPath: string;
  entryName: string;
  profile: string;
}

export interface SnippetView extends Snippet {
  /** A link the app opens to install the entry (Cursor, VS Code), else null. */
  installLink: string | null;
}

export interface ScanReport {
  findings: KeyFinding[];
  /** Files (or blocks of them) that could not be read: left untouched, and named with the
   * reason. Every other file was still scanned. */
  errors: { ref: ClientRef; label: string; configPath: string; scope: string | null; message: string }[];
}

const projectsFileSchema = z.array(z.string().min(1));

type Events = { status: [ClientStatus]; 'entry-removed': [EntryRemovedEvent] };

export class ClientsService extends EventEmitter<Events> {
  private readonly host: Host;
  private readonly entryOptions: BridgeEntryOptions;
  private readonly projects = new Set<string>();
  private readonly last = new Map<string, ClientStatus>();
  /** Entries KeyBridge itself is removing: not reported as removed by someone else. */
  private readonly removing = new Set<string>();
  private readonly watches = new Map<string, FileWatch>();
  private watching = false;

  constructor(private readonly options: ClientsServiceOptions) {
    super();
    this.host = hostSchema.parse(options.host);
    this.entryOptions = bridgeEntryOptionsSchema.parse(options.entry);
    for (const dir of options.cursorProjects ?? []) this.projects.add(path.resolve(dir));
    if (options.projectsFile) {
      try {
        const saved = projectsFileSchema.safeParse(JSON.parse(readFileSync(options.projectsFile, 'utf8')));
        if (saved.success) for (const dir of saved.data) this.projects.add(path.resolve(dir));
      } catch {
        // none saved yet (or unreadable: start without them)
      }
    }
  }

  /** Every client KeyBridge knows, global ones first, then each project folder added (its
   * Cursor and VS Code workspace configs). */
  refs(): ClientRef[] {
    const projects = [...this.projects].flatMap((projectDir) => PROJECT_CLIENT_IDS.map((id) => ({ id, projectDir })));
    return [...USER_CLIENT_IDS.map((id) => ({ id })), ...projects];
  }

  /** The project folders added, in the order they were added. */
  projectDirs(): string[] {
    return [...this.projects];
  }

  target(ref: ClientRef): ClientTarget {
    return resolveClient(clientRefSchema.parse(ref), this.host);
  }

  async list(): Promise<ClientStatus[]> {
    return Promise.all(this.refs().map((ref) => this.refresh(ref, 'self')));
  }

  /** Adds a project folder: its `.cursor/mcp.json` and `.vscode/mcp.json` are listed, scanned
   * and watched from now on (and after a restart). */
  async addProject(projectDir: string): Promise<ClientRef[]> {
    const dir = path.resolve(projectDir);
    const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw new UserError(`${dir} is not a folder on this computer.`);
    this.projects.add(dir);
    await this.saveProjects();
    const refs = PROJECT_CLIENT_IDS.map((id) => clientRefSchema.parse({ id, projectDir: dir }));
    if (this.watching) for (const ref of refs) this.watchRef(ref);
    return refs;
  }

  async removeProject(projectDir: string): Promise<void> {
    const dir = path.resolve(projectDir);
    this.projects.delete(dir);
    await this.saveProjects();
    for (const id of PROJECT_CLIENT_IDS) {
      const key = this.key({ id, projectDir: dir });
      this.watches.get(key)?.close();
      this.watches.delete(key);
      this.last.delete(key);
    }
  }

  private async saveProjects(): Promise<void> {
    if (!this.options.projectsFile) return;
    await writeFileAtomic(this.options.projectsFile, `${JSON.stringify([...this.projects], null, 2)}\n`, { mode: 0o600 });
  }

  status(ref: ClientRef): Promise<ClientStatus> {
    return this.refresh(ref, 'self');
  }

  addCursorProject(projectDir: string): ClientRef {
    const ref = clientRefSchema.parse({ id: 'cursor-project', projectDir: path.resolve(projectDir) });
    this.projects.add(ref.projectDir ?? '');
    if (this.watching) for (const id of PROJECT_CLIENT_IDS) this.watchRef({ id, projectDir: ref.projectDir });
    return ref;
  }

  async install(ref: ClientRef, profile: string): Promise<InstallResult> {
    const result = await install(this.target(ref), profile, this.entryOptions);
    await this.refresh(ref, 'self');
    return result;
  }

  async uninstall(ref: ClientRef, profile: string): Promise<UninstallResult> {
    const target = this.target(ref);
    const mark = `${target.configPath}\0${profile}`;
    this.removing.add(mark);
    try {
      const result = await uninstall(target, profile, this.entryOptions);
      await this.refresh(ref, 'self');
      return result;
    } finally {
      this.removing.delete(mark);
    }
  }

  snippet(ref: ClientRef, profile: string): SnippetView {
    const target = this.target(ref);
    const base = snippet(target, profile, this.entryOptions);
    const installLink =
      target.id === 'cursor' || target.id === 'cursor-project'
        ? cursorInstallLink(profile, this.entryOptions)
        : target.id === 'vscode' || target.id === 'vscode-insiders'
          ? vscodeInstallLink(profile, this.entryOptions, target.id === 'vscode-insiders')
          : null;
    return { ...base, installLink };
  }

  /** Plaintext keys in every client's files, masked. A file that cannot be read is an error
   * of its own (with its path and the reason); every other file is still scanned. Suggested
   * profile names are free: not held by the vault, and not suggested for another key. */
  async scanKeys(): Promise<ScanReport> {
    const report: ScanReport = { findings: [], errors: [] };
    for (const ref of this.refs()) {
      const target = this.target(ref);
      try {
        const { findings, problems } = await scanClient(target, this.options.vault);
        report.findings.push(...findings);
        for (const p of problems) report.errors.push({ ref, label: target.label, configPath: p.configPath, scope: p.scope, message: p.message });
      } catch (error) {
        report.errors.push({ ref, label: target.label, configPath: target.configPath, scope: null, message: error instanceof Error ? error.message : String(error) });
      }
    }
    const taken = new Set(this.options.vault.profiles().map((p) => p.name));
    const named = new Map<string, string>();
    for (const finding of report.findings) {
      if (finding.existingProfile) {
        finding.suggestedProfile = finding.existingProfile;
        continue;
      }
      // The same key in two places is one profile: the same name for both.
      const earlier = named.get(finding.fingerprint);
      if (earlier) {
        finding.suggestedProfile = earlier;
        continue;
      }
      const name = freeName(finding.suggestedProfile, taken);
      taken.add(name);
      named.set(finding.fingerprint, name);
      finding.suggestedProfile = name;
    }
    return report;
  }

  /** Acts on a finding (by id, from scanKeys): moves its key into the vault, points it at the
   * profile already holding it, or (VS Code) keeps the local server with the key out of the file. */
  async migrate(findingId: string, options: MigrateOptions): Promise<MigrationResult> {
    const { findings } = await this.scanKeys();
    const finding = findings.find((f) => f.id === findingId);
    if (!finding) throw new UserError('That key is no longer where it was found. Scan again.');
    try {
      return await migrate(this.target(finding.ref), finding.configPath, findingId, options, this.options.vault, this.entryOptions);
    } finally {
      await this.refresh(finding.ref, 'self');
    }
  }

  /** Starts the bridge exactly as an assistant would for this profile and probes it. */
  testConnection(profile: string, options?: TestConnectionOptions): Promise<ProbeResult> {
    return testConnection(bridgeEntry(profile, this.entryOptions, false), options);
  }

  /** Starts watching every client's file; emits `status` and `entry-removed`. */
  async watch(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    await this.list();
    for (const ref of this.refs()) this.watchRef(ref);
  }

  close(): void {
    this.watching = false;
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
  }

  private key(ref: ClientRef): string {
    return ref.projectDir ? `${ref.id}:${ref.projectDir}` : ref.id;
  }

  private watchRef(ref: ClientRef): void {
    const key = this.key(ref);
    if (this.watches.has(key)) return;
    const onChange = () => void this.refresh(ref, 'watch').catch(() => undefined);
    const watches = filesOf(this.target(ref)).map(({ configPath }) => watchFile(configPath, onChange, this.options.debounceMs));
    this.watches.set(key, { close: () => watches.forEach((w) => w.close()) });
  }

  /** Re-reads a client's state (one at a time per client) and emits what changed. */
  private refresh(ref: ClientRef, origin: 'self' | 'watch'): Promise<ClientStatus> {
    const target = this.target(ref);
    return serialized(`${target.configPath}#status`, async () => {
      const status = await clientStatus(target, this.entryOptions);
      const before = this.last.get(this.key(ref));
      this.last.set(this.key(ref), status);
      if (!before || !sameJson(before, status)) this.emit('status', status);
      if (origin === 'watch' && before && status.state !== 'error') {
        // The same entry name may be in two blocks (the main one and a project's).
        const where = (e: { entryName: string; scope?: string }) => `${e.scope ?? ''}\0${e.entryName}`;
        const still = new Set([...status.connected, ...status.changed].map(where));
        for (const gone of before.connected.filter((e) => !still.has(where(e)))) {
          if (this.removing.has(`${target.configPath}\0${gone.profile}`)) continue;
          this.emit('entry-removed', { client: target.id, ref, label: target.label, configPath: target.configPath, ...gone });
        }
      }
      return status;
    });
  }
}
