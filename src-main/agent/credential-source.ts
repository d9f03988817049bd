// What the agent needs from whoever keeps the keys (the tray's vault, or the headless agent's
// profiles file): credentials for a profile, decrypted on demand, and the changes that affect
// sessions in progress.
import type { AgentErrorCode } from '../../src-shared/agent-protocol';
import type { UpstreamCredentials } from '../upstream/credentials';

export type CredentialsLookup = { ok: true; credentials: UpstreamCredentials } | { ok: false; code: AgentErrorCode; message: string };

/** `credentials`: the profile's key, endpoint or network changed (rotate, rollback, resume,
 * edit): sessions take the new ones for their next request. `revoked`: the key is gone
 * (remove, pause): sessions answer every request with `message`. */
export type KeyEvent = { type: 'credentials'; profile: string } | { type: 'revoked'; profile: string; message: string };

/** May return a promise: the vault awaits every listener, so when rotate() resolves the
 * sessions in progress already use the new key. */
export type KeyEventListener = (event: KeyEvent) => void | Promise<void>;

export interface CredentialSource {
  has(profile: string): boolean;
  /** Decrypts the key; records the use (lastUsedAt) unless `record` is false. */
  credentialsFor(profile: string, options?: { record?: boolean }): Promise<CredentialsLookup>;
  onKeyEvent(listener: KeyEventListener): () => void;
}
