// What the assistant set up on its MCP session (initialize, initialized, log level, resource
// subscriptions), remembered so that a new upstream session can be set up exactly as the
// assistant did: by the agent after the vendor forgot the session (404), and by a bridge that
// reconnects to a restarted agent (hello's `resume`, docs/agent-protocol.md).
import type { JsonRpcRequestFrame, ResumeState } from './agent-protocol';

/** The parts of a JSON-RPC message this reads. */
interface MessageLike {
  method?: unknown;
  id?: unknown;
  params?: unknown;
}

export class SessionSetup {
  private initializeRequest: JsonRpcRequestFrame | null = null;
  private initializedSent = false;
  private logLevelRequest: JsonRpcRequestFrame | null = null;
  private readonly subscribed = new Set<string>();

  /** The name the assistant gives itself in initialize, if it did. */
  clientName: string | null = null;

  note(message: MessageLike): void {
    const params = message.params as Record<string, unknown> | undefined;
    switch (message.method) {
      case 'initialize': {
        if (message.id === undefined) return;
        this.initializeRequest = message as JsonRpcRequestFrame;
        this.initializedSent = false;
        const name = (params?.clientInfo as { name?: unknown } | undefined)?.name;
        if (typeof name === 'string') this.clientName = name.slice(0, 200);
        return;
      }
      case 'notifications/initialized':
        this.initializedSent = true;
        return;
      case 'logging/setLevel':
        if (message.id !== undefined) this.logLevelRequest = message as JsonRpcRequestFrame;
        return;
      case 'resources/subscribe':
      case 'resources/unsubscribe': {
        const uri = params?.uri;
        if (typeof uri !== 'string') return;
        if (message.method === 'resources/subscribe') this.subscribed.add(uri);
        else this.subscribed.delete(uri);
        return;
      }
    }
  }

  /** Takes over what a reconnecting bridge remembered. */
  load(state: ResumeState): void {
    this.initializeRequest = state.initialize;
    this.initializedSent = state.initialized;
    this.logLevelRequest = state.logLevel;
    this.subscribed.clear();
    for (const uri of state.subscriptions) this.subscribed.add(uri);
  }

  get initialize(): JsonRpcRequestFrame | null {
    return this.initializeRequest;
  }

  get initialized(): boolean {
    return this.initializedSent;
  }

  get logLevel(): JsonRpcRequestFrame | null {
    return this.logLevelRequest;
  }

  get subscriptions(): readonly string[] {
    return [...this.subscribed];
  }

  /** For a hello after a reconnect; null before the assistant's initialize. */
  resumeState(): ResumeState | null {
    if (!this.initializeRequest) return null;
    return { initialize: this.initializeRequest, initialized: this.initializedSent, logLevel: this.logLevelRequest, subscriptions: [...this.subscribed].slice(0, 1000) };
  }
}
