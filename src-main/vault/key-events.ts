// The key events the vault emits for whoever serves sessions with its keys (the agent, wired
// in the composition root): the vault's own words, shaped so the agent's CredentialSource
// takes them as they are.
import { createListeners, type Unsubscribe } from '../../src-shared/listeners';

/** `credentials`: the profile's key, endpoint or network changed (rotate, rollback, resume,
 * edit): sessions take the new ones for their next request. `revoked`: the key is gone
 * (remove, pause): sessions answer every request with `message`. */
export type KeyEvent = { type: 'credentials'; profile: string } | { type: 'revoked'; profile: string; message: string };

/** May return a promise: the vault awaits every listener, so when rotate() resolves the
 * sessions in progress already use the new key. */
export type KeyEventListener = (event: KeyEvent) => void | Promise<void>;

export interface KeyEvents {
  /** Resolves when every listener has (a failing one does not stop the others). */
  emit(event: KeyEvent): Promise<void>;
  /** New credentials for `profile`, unless it is paused: its sessions were told it is revoked
   * and get credentials on resume. */
  credentialsChanged(profile: { name: string; paused: boolean }): Promise<void>;
  onKeyEvent(listener: KeyEventListener): Unsubscribe;
}

export function createKeyEvents(): KeyEvents {
  const listeners = createListeners<KeyEvent>();
  const emit = (event: KeyEvent) => listeners.settle(event);
  return {
    emit,
    async credentialsChanged(profile) {
      if (!profile.paused) await emit({ type: 'credentials', profile: profile.name });
    },
    onKeyEvent: listeners.subscribe,
  };
}

/** Why a paused profile's sessions and new bridges are refused. */
export function pausedMessage(name: string): string {
  return `The profile '${name}' is paused in KeyBridge; resume it there to use it again.`;
}
