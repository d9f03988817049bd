// What the agent needs from the vault: credentials for a profile (decrypted on demand), and
// the key changes it must push to connected bridges.
import type { AgentErrorCode, CredentialsFrame } from '../../src-shared/agent-protocol';

export type CredentialsLookup = { ok: true; frame: CredentialsFrame } | { ok: false; code: AgentErrorCode; message: string };

/** `credentials`: push fresh credentials to the profile's bridges (rotate, rollback, resume,
 * endpoint change). `revoked`: tell them the key is gone (remove, pause). */
export type KeyEvent = { type: 'credentials'; profile: string } | { type: 'revoked'; profile: string; message: string };

/** May return a promise: the vault awaits every listener, so when rotate() resolves the
 * connected bridges have been sent their new credentials. */
export type KeyEventListener = (event: KeyEvent) => void | Promise<void>;

export interface CredentialSource {
  has(profile: string): boolean;
  /** Decrypts the key and records the use (lastUsedAt). */
  credentialsFor(profile: string): Promise<CredentialsLookup>;
  onKeyEvent(listener: KeyEventListener): () => void;
}
