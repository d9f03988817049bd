// The clients module's front door, for the shell (IPC, tray): every assistant's state,
// install/uninstall, snippets, the key scan and migration, test connection, and change events.
// Project folders live in project-folders.ts, the watch and its events in client-watch.ts,
// the scan over all clients in scan-report.ts.
import type { ProbeResult } from '../../src-shared/profile';
import { UserError } from '../../src-shared/user-error';
import { bridgeEntry, bridgeEntryOptionsSchema, type BridgeEntryOptions } from './bridge-entry';
import { ClientWatch, type EntryRemovedEvent } from './client-watch';
import { hostSchema, type Host } from './host';
import { install, uninstall, type ClientStatus, type InstallResult, type UninstallResult } from './installer';
import { migrate, type MigrationTarget } from './migration';
import type { MigrationResult } from './migration-outcome';
import type { MigrateOptions } from './migration-plan';
import { ProjectFolders } from './project-folders';
import { clientRefSchema, resolveClient, type ClientRef, type ClientTarget } from './registry';
import { scanClients, type ScanReport } from './scan-report';
import { cursorInstallLink, snippet, vscodeInstallLink, type Snippet } from './snippets';
import { testConnection, type TestConnectionOptions } from './test-connection';
import { createListeners } from '../../src-shared/listeners';

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

export interface SnippetView extends Snippet {
  /** A link the app opens to install the entry (Cursor, VS Code), else null. */
  installLink: string | null;
}

export class ClientsService {
  private readonly statusChanged = createListeners<ClientStatus>();
  private readonly entryRemoved = createListeners<EntryRemovedEvent>();
  /** A client's status changed (its file was edited, by KeyBridge or anyone). */
  readonly onStatus = this.statusChanged.subscribe;
  /** Someone else took a `keybridge-<profile>` entry out of a client's file. */
  readonly onEntryRemoved = this.entryRemoved.subscribe;
  private readonly host: Host;
  private readonly entryOptions: BridgeEntryOptions;
  private readonly projects: ProjectFolders;
  private readonly clientWatch: ClientWatch;
  private watching = false;

  constructor(private readonly options: ClientsServiceOptions) {
    this.host = hostSchema.parse(options.host);
    this.entryOptions = bridgeEntryOptionsSchema.parse(options.entry);
    this.projects = new ProjectFolders(options.cursorProjects ?? [], options.projectsFile);
    this.clientWatch = new ClientWatch({
      target: (ref) => this.target(ref),
      entryOptions: this.entryOptions,
      onStatus: (status) => this.statusChanged.emit(status),
      onEntryRemoved: (event) => this.entryRemoved.emit(event),
      debounceMs: options.debounceMs,
    });
  }

  /** Every client KeyBridge knows, global ones first, then each project folder added (its
   * Cursor and VS Code workspace configs). */
  refs(): ClientRef[] {
    return this.projects.refs();
  }

  /** The project folders added, in the order they were added. */
  projectDirs(): string[] {
    return this.projects.list();
  }

  target(ref: ClientRef): ClientTarget {
    return resolveClient(clientRefSchema.parse(ref), this.host);
  }

  async list(): Promise<ClientStatus[]> {
    return Promise.all(this.refs().map((ref) => this.clientWatch.refresh(ref, 'self')));
  }

  /** Adds a project folder: its `.cursor/mcp.json` and `.vscode/mcp.json` are listed, scanned
   * and watched from now on (and after a restart). */
  async addProject(projectDir: string): Promise<ClientRef[]> {
    const refs = await this.projects.add(projectDir);
    if (this.watching) for (const ref of refs) this.clientWatch.watch(ref);
    return refs;
  }

  async removeProject(projectDir: string): Promise<void> {
    for (const ref of await this.projects.remove(projectDir)) this.clientWatch.forget(ref);
  }

  status(ref: ClientRef): Promise<ClientStatus> {
    return this.clientWatch.refresh(ref, 'self');
  }

  async install(ref: ClientRef, profile: string): Promise<InstallResult> {
    const result = await install(this.target(ref), profile, this.entryOptions);
    await this.clientWatch.refresh(ref, 'self');
    return result;
  }

  async uninstall(ref: ClientRef, profile: string): Promise<UninstallResult> {
    const target = this.target(ref);
    return this.clientWatch.removingEntry(target.configPath, profile, async () => {
      const result = await uninstall(target, profile, this.entryOptions);
      await this.clientWatch.refresh(ref, 'self');
      return result;
    });
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

  /** Plaintext keys in every client's files, masked, with a free profile name suggested for
   * each key (scan-report.ts). */
  scanKeys(): Promise<ScanReport> {
    return scanClients(
      this.refs().map((ref) => ({ ref, target: this.target(ref) })),
      this.options.vault,
    );
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
      await this.clientWatch.refresh(finding.ref, 'self');
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
    for (const ref of this.refs()) this.clientWatch.watch(ref);
  }

  close(): void {
    this.watching = false;
    this.clientWatch.close();
  }
}
