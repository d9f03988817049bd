// The vault's public surface for the shell and the app core.
export { createVault, VaultError, type Vault, type VaultOptions, type VaultProblem, type ProfileUpdate } from './vault';
export { VAULT_STORE_FILE_OPTIONS, VAULT_STORE_NAME, vaultStorePath, systemClock, type Cipher, type Clock, type KeyValueStore, type StoreBackend, type TimerHandle } from './ports';
export { STORE_FILE_MODE } from './document-store';
export { keyFingerprint } from './sealed-key';
export type { SettingsService } from './settings';
export type { Unsubscribe } from './listeners';
