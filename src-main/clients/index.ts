// Public API of src-main/clients (plain Node; the shell wires it to IPC and the tray).
export { ClientsService, type ClientsServiceOptions, type EntryRemovedEvent, type ScanReport, type SnippetView } from './service';
export { clientIdSchema, clientRefSchema, USER_CLIENT_IDS, resolveClient, clientSpec, type ClientId, type ClientRef, type ClientTarget } from './registry';
export { hostSchema, type Host } from './host';
export { ENTRY_PREFIX, entryNameFor, bridgeEntry, type BridgeEntry, type BridgeEntryOptions } from './bridge-entry';
export { ClientNotPresentError, type ClientStatus, type ClientStateKind, type ProfileEntry, type InstallResult, type UninstallResult } from './installer';
export { ConfigParseError } from './config-text';
export { FindingGoneError, migrateOptionsSchema, type KeyFinding, type MigrateOptions, type MigrationResult, type MigrationTarget } from './migration';
export { cursorInstallLink, vscodeInstallLink, type Snippet } from './snippets';
export { testConnection, type TestConnectionOptions } from './test-connection';
export { launcherPath, launcherScript, writeLauncher, launcherInputsSchema, type LauncherInputs } from './launcher';
export { BACKUPS_KEPT, listBackups } from './config-writer';
