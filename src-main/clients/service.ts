// The clients module's front door, for the shell (IPC, tray): every assistant's state,
// install/uninstall, snippets, the key scan and migration, test connection, and change events.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { ProbeResult } from '../../src-shared/profile';
import { bridgeEntry, bridgeEntryOptionsSchema, sameJson, type BridgeEntryOptions } from './bridge-entry';
import { serialized } from './config-writer';
import { watchFile, type FileWatch } from './file-watch';
import { hostSchema, type Host } from './host';
import { clientStatus, install, uninstall, type ClientStatus, type InstallResult, type UninstallResult } from './installer';
import { migrate, scanClient, type KeyFinding, type MigrateOptions, type MigrationResult, type MigrationTarget } from './migration';
import { clientRefSchema, resolveClient, USER_CLIENT_IDS, type ClientId, type ClientRef, type ClientTarget } from './registry';
import { cursorInstallLink, snippet, vscodeInstallLink, type Snippet } from './snippets';
import { testConnection, type TestConnectionOptions } from './test-connection';
import { ConfigParseError } from './config-text';

export interface ClientsServiceOptions {
  host: Host;
  /** The launcher path (and any secret-free env) every entry uses. */
  entry: BridgeEntryOptions;
  /** Where migrated keys go (the vault). */
  vault: MigrationTarget;
  /** Projects whose `.cursor/mcp.json` the user asked to manage. */
  cursorProjects?: string[];
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
  /** Files that could not be read (they are left untouched). */
  errors: { ref: ClientRef; label: string; message: string }[];
}

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
    for (const dir of options.cursorProjects ?? []) this.projects.add(dir);
  }

  /** Every client KeyBridge knows, global ones first, then the Cursor projects added. */
  refs(): ClientRef[] {
    return [...USER_CLIENT_IDS.map((id) => ({ id })), ...[...this.projects].map((projectDir) => ({ id: 'cursor-project' as const, projectDir }))];
  }

  target(ref: ClientRef): ClientTarget {
    return resolveClient(clientRefSchema.parse(ref), this.host);
  }

  async list(): Promise<ClientStatus[]> {
    return Promise.all(this.refs().map((ref) => this.refresh(ref, 'self')));
  }

  status(ref: ClientRef): Promise<ClientStatus> {
    return this.refresh(ref, 'self');
  }

  addCursorProject(projectDir: string): ClientRef {
    const ref = clientRefSchema.parse({ id: 'cursor-project', projectDir: path.resolve(projectDir) });
    this.projects.add(ref.projectDir ?? '');
    if (this.watching) this.watchRef(ref);
    return ref;
  }

  removeCursorProject(projectDir: string): void {
    const dir = path.resolve(projectDir);
    this.projects.delete(dir);
    const key = this.key({ id: 'cursor-project', projectDir: dir });
    this.watches.get(key)?.close();
    this.watches.delete(key);
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

  /** Plaintext keys in every client's file, masked. */
  async scanKeys(): Promise<ScanReport> {
    const report: ScanReport = { findings: [], errors: [] };
    for (const ref of this.refs()) {
      const target = this.target(ref);
      try {
        report.findings.push(...(await scanClient(target)));
      } catch (error) {
        if (!(error instanceof ConfigParseError)) throw error;
        report.errors.push({ ref, label: target.label, message: error.message });
      }
    }
    return report;
  }

  /** Moves the key of a finding (by id, from scanKeys) into the vault as `options.profile`. */
  async migrate(findingId: string, options: MigrateOptions): Promise<MigrationResult> {
    const { findings } = await this.scanKeys();
    const finding = findings.find((f) => f.id === findingId);
    if (!finding) throw new Error('That key is no longer where it was found. Scan again.');
    const result = await migrate(this.target(finding.ref), findingId, options, this.options.vault, this.entryOptions);
    await this.refresh(finding.ref, 'self');
    return result;
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
    return ref.id === 'cursor-project' ? `cursor-project:${ref.projectDir}` : ref.id;
  }

  private watchRef(ref: ClientRef): void {
    const key = this.key(ref);
    if (this.watches.has(key)) return;
    const file = this.target(ref).configPath;
    const onChange = () => void this.refresh(ref, 'watch').catch(() => undefined);
    this.watches.set(key, watchFile(file, onChange, this.options.debounceMs));
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
        const still = new Set([...status.connected, ...status.changed].map((e) => e.entryName));
        for (const gone of before.connected.filter((e) => !still.has(e.entryName))) {
          if (this.removing.has(`${target.configPath}\0${gone.profile}`)) continue;
          this.emit('entry-removed', { client: target.id, ref, label: target.label, configPath: target.configPath, ...gone });
        }
      }
      return status;
    });
  }
}
