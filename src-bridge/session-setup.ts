// What the assistant set up on its MCP session, remembered so that a restarted agent can
// re-initialize upstream exactly as the assistant did (hello's `resume`, docs/agent-protocol.md).
import type { JsonRpcRequestFrame, ResumeState } from '../src-shared/agent-protocol';
import type { JsonRpcMessage } from './assistant-input';

export class SessionSetup {
  private initialize: JsonRpcRequestFrame | null = null;
  private initialized = false;
  private logLevel: JsonRpcRequestFrame | null = null;
  private readonly subscriptions = new Set<string>();

  /** The name the assistant gives itself in initialize, if it did. */
  clientName: string | null = null;

  note(message: JsonRpcMessage): void {
    if (!('method' in message)) return;
    const params = message.params as Record<string, unknown> | undefined;
    switch (message.method) {
      case 'initialize': {
        if (!('id' in message)) return;
        this.initialize = message as JsonRpcRequestFrame;
        this.initialized = false;
        const name = (params?.clientInfo as { name?: unknown } | undefined)?.name;
        if (typeof name === 'string') this.clientName = name.slice(0, 200);
        return;
      }
      case 'notifications/initialized':
        this.initialized = true;
        return;
      case 'logging/setLevel':
        if ('id' in message) this.logLevel = message as JsonRpcRequestFrame;
        return;
      case 'resources/subscribe':
      case 'resources/unsubscribe': {
        const uri = params?.uri;
        if (typeof uri !== 'string') return;
        if (message.method === 'resources/subscribe') this.subscriptions.add(uri);
        else this.subscriptions.delete(uri);
        return;
      }
    }
  }

  /** For a hello after a reconnect; null before the assistant's initialize. */
  resumeState(): ResumeState | null {
    if (!this.initialize) return null;
    return { initialize: this.initialize, initialized: this.initialized, logLevel: this.logLevel, subscriptions: [...this.subscriptions].slice(0, 1000) };
  }
}
