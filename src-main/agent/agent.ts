// The agent: the tray's side of the agent socket. Serves many bridges at once, answers each
// hello through the access policy and the vault, pushes new credentials on rotation and
// `revoked` on removal, and keeps the live per-bridge session view.
import type { Server } from 'node:net';
import type { SessionView } from '../../src-shared/ipc-contract';
import type { Unsubscribe } from '../vault/listeners';
import { listenOnAgentSocket } from './agent-socket';
import { allowAll, serveBridge, type AccessPolicy, type AgentActivity, type BridgeConnection, type ConnectionLimits } from './bridge-connection';
import type { CredentialSource, KeyEvent } from './credential-source';
import { createSessionRegistry } from './session-view';

export interface AgentOptions {
  socketPath: string;
  credentials: CredentialSource;
  /** Default: allow every client. */
  policy?: AccessPolicy;
  limits?: Partial<ConnectionLimits> & { maxConnections?: number };
  now?: () => number;
  /** Connections, refusals, failing upstreams — for the activity log (keys never appear). */
  onActivity?: (event: AgentActivity) => void;
}

export interface Agent {
  readonly socketPath: string;
  sessions(): SessionView[];
  subscribe(listener: (sessions: SessionView[]) => void): Unsubscribe;
  /** Bridges connected right now (with or without a session). */
  connectionCount(): number;
  /** Stops listening, disconnects every bridge and removes the socket file. */
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: ConnectionLimits & { maxConnections: number } = {
  maxBufferedBytes: 256 * 1024,
  helloTimeoutMs: 10_000,
  maxConnections: 512,
};

/** Takes the socket and serves; throws AgentAlreadyRunningError when another agent answers. */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const policy = options.policy ?? allowAll;
  const now = options.now ?? Date.now;
  const activity = options.onActivity ?? (() => undefined);
  const sessions = createSessionRegistry();
  const connections = new Map<string, BridgeConnection>();
  let counter = 0;

  const server: Server = await listenOnAgentSocket(options.socketPath, (socket) => {
    const id = `b${++counter}`;
    const connection = serveBridge(socket, {
      id,
      credentials: options.credentials,
      policy,
      sessions,
      limits,
      now,
      activity,
      onClose: () => connections.delete(id),
    });
    connections.set(id, connection);
  });
  server.maxConnections = limits.maxConnections;

  const onKeyEvent = async (event: KeyEvent) => {
    const bridges = [...connections.values()].filter((c) => c.profile === event.profile);
    if (event.type === 'revoked') {
      for (const bridge of bridges) bridge.send({ type: 'revoked', profile: event.profile, message: event.message });
      return;
    }
    await Promise.all(bridges.map((bridge) => bridge.refresh()));
  };
  const stopListening = options.credentials.onKeyEvent(onKeyEvent);

  return {
    socketPath: options.socketPath,
    sessions: sessions.list,
    subscribe: sessions.subscribe,
    connectionCount: () => connections.size,
    async close() {
      stopListening();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections.values()) connection.close();
      await closed;
    },
  };
}
