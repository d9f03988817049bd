// The vault's public surface for the app's composition root, the shell and tests.
export { createVault, type Vault, type VaultOptions } from './vault';
export { VaultError } from './vault-error';
export type { VaultProblem } from './problems';
export type { ProfileUpdate } from './profile-edits';
export type { CredentialsLookup, CredentialsOptions, CredentialsRefusal } from './credentials';
export type { KeyEvent, KeyEventListener } from './key-events';
export { VAULT_STORE_FILE_OPTIONS, VAULT_STORE_NAME, vaultStorePath, systemClock, type Cipher, type Clock, type KeyValueStore, type StoreBackend, type TimerHandle } from './ports';
export { STORE_FILE_MODE } from './document-store';
export type { SettingsService } from './settings';
export type { Unsubscribe } from '../../src-shared/listeners';
