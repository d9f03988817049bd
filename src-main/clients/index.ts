// Public API of src-main/clients (plain Node; the shell wires it to IPC and the tray).
//
// Decisions, in one place:
// - Entry name `keybridge-<profile>`: one entry per profile, so an assistant can use several.
//   The entry is `{command: <launcher>, args: ["--profile", NAME]}` (+ `"type": "stdio"` for
//   VS Code and Claude Code); env only for secret-free settings (refused otherwise).
// - Every file is edited as JSONC by offsets: only our entry's bytes (and one comma) change.
//   A backup `<file>.keybridge-backup-<UTC stamp>` precedes every write (last 5 kept); writes
//   are atomic, keep the mode, are serialized per file and re-read right before writing.
//   A file that does not parse is never written (ConfigParseError: file:line:column).
// - Migration keeps the user's entry name (their per-server settings and tool permissions
//   keep working) and replaces its value with the bridge entry; the raw key is re-read from
//   the file inside migrate(), never carried by a finding. All or nothing: the file is checked
//   and backed up before the vault gets the profile; a failed write takes the profile back.
// - Every file stands alone: one that cannot be read (permissions, a folder in its place) is
//   that client's error, with path and reason; the rest keep working. Files with a UTF-8 BOM
//   are read and keep it. Read-only files and dangling symlinks are refused, never replaced.
// - Keys are found wherever the assistant keeps servers: Claude Code's project blocks in
//   ~/.claude.json, VS Code's settings.json "mcp" block, workspace configs of added folders.
// - Backups never sit in a folder more open than the file: such files are backed up to
//   ~/.keybridge/backups (0700). A moved key is scrubbed from every backup.
// - Launcher: ~/.keybridge/bin/keybridge-bridge (sh), or keybridge-bridge.cmd under
//   %USERPROFILE%\.keybridge\bin, falling back when that path has spaces (see launcher.ts).
export { ClientsService, type ClientsServiceOptions, type SnippetView } from './service';
export type { EntryRemovedEvent } from './client-watch';
export type { ScanReport } from './scan-report';
export { clientIdSchema, clientRefSchema, USER_CLIENT_IDS, resolveClient, clientSpec, type ClientId, type ClientRef, type ClientTarget } from './registry';
export { hostSchema, type Host } from './host';
export { ENTRY_PREFIX, entryNameFor, bridgeEntry, type BridgeEntry, type BridgeEntryOptions } from './bridge-entry';
export { clientViewOf, scanReportView, vaultMigrationTarget, type VaultForMigration } from './views';
export { ClientNotPresentError, type ClientStatus, type ClientStateKind, type ProfileEntry, type InstallResult, type UninstallResult } from './installer';
export { ConfigParseError } from './config-parse';
export { ConfigReadError, ConfigWriteError } from './config-access';
export type { KeyFinding } from './key-findings';
export { MigrationError, type MigrationTarget } from './migration';
export type { MigrationResult } from './migration-outcome';
export { FindingGoneError, migrateOptionsSchema, type MigrateOptions } from './migration-plan';
export { cursorInstallLink, vscodeInstallLink, type Snippet } from './snippets';
export { testConnection, type TestConnectionOptions } from './test-connection';
export { launcherPath, launcherScript, writeLauncher, launcherInputsSchema, type LauncherInputs } from './launcher';
export { BACKUPS_KEPT, listBackups } from './config-backups';
