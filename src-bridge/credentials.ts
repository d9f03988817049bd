// What the agent told this bridge, in memory only: the current credentials, every key held
// so far (for the redactor and the outbound guard), and why there are none if so.
import type { CredentialsFrame, ErrorFrame, RevokedFrame } from '../src-shared/agent-protocol';

export class CredentialsState {
  current: CredentialsFrame | null = null;
  revoked: RevokedFrame | null = null;
  agentError: ErrorFrame | null = null;
  /** Every key received, newest last: scrubbed from all output even after rotation. */
  readonly keys: string[] = [];
  private readonly listeners = new Set<() => void>();

  apply(frame: CredentialsFrame | RevokedFrame | ErrorFrame): void {
    if (frame.type === 'credentials') {
      if (!this.keys.includes(frame.key)) this.keys.push(frame.key);
      this.current = frame;
      this.revoked = null;
      this.agentError = null;
    } else if (frame.type === 'revoked') {
      this.current = null;
      this.revoked = frame;
    } else {
      // A complaint about one of our frames changes nothing we hold; any other error (also in
      // answer to a re-hello: the profile was removed or refused meanwhile) leaves no key.
      if (this.current && frame.code === 'bad-request') return;
      this.current = null;
      this.agentError = frame;
    }
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
