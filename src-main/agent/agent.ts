// The agent: KeyBridge's side of the agent socket (docs/agent-protocol.md). Serves many
// bridges at once; for each, decides through the access policy whether it may use the profile,
// then carries its MCP session to the vendor with the key, which never leaves this process.
// Key changes (rotate, remove, pause) apply to the sessions in progress.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Server, Socket } from 'node:net';
import type { SessionView } from '../../src-shared/ipc-contract';
import type { Unsubscribe } from '../../src-shared/listeners';
import { createFetchPool } from '../upstream/auth-fetch';
import { silentLog, type UpstreamLog } from '../upstream/log';
import { listenOnAgentSocket } from './agent-socket';
import { serveBridge, type AgentActivity, type BridgeConnection, type ConnectionLimits } from './bridge-connection';
import { allowAll, type AccessPolicy } from './client-identity';
import type { CredentialSource, KeyEvent } from './credential-source';
import { identifyPeer, type PeerIdentity } from './peer-identity';
import { createSessionRegistry } from './session-view';

export interface AgentOptions {
  socketPath: string;
  credentials: CredentialSource;
  /** Default: allow every client (the headless agent: same-user trust, as ssh-agent). */
  policy?: AccessPolicy;
  /** Who is on the other end of a connection; default: ask the OS (peer-identity.ts). */
  identify?: (socket: Socket) => Promise<PeerIdentity>;
  limits?: Partial<ConnectionLimits> & { maxConnections?: number };
  now?: () => number;
  /** Connections, refusals, failing upstreams — for the activity log (keys never appear). */
  onActivity?: (event: AgentActivity) => void;
  /** Diagnostics of the upstream sessions (the caller redacts). */
  log?: UpstreamLog;
}

export interface Agent {
  readonly socketPath: string;
  sessions(): SessionView[];
  subscribe(listener: (sessions: SessionView[]) => void): Unsubscribe;
  /** Bridges connected right now (with or without a session). */
  connectionCount(): number;
  /** A one-time token that lets one bridge KeyBridge starts itself skip the prompt (Test connection). */
  issueToken(profile: string): string;
  /** Stops listening, disconnects every bridge and removes the socket file. */
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: ConnectionLimits & { maxConnections: number } = {
  // Large enough for a few 10 MB results queued to a slow bridge, small enough to bound one
  // that never reads.
  maxBufferedBytes: 64 * 1024 * 1024,
  helloTimeoutMs: 10_000,
  drainMs: 5_000,
  maxConnections: 512,
};

const TOKEN_TTL_MS = 60_000;
/** How long closing waits for the upstream sessions' DELETEs. */
const CLOSE_SESSIONS_MS = 2000;

export async function startAgent(options: AgentOptions): Promise<Agent> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? silentLog;
  const now = options.now ?? Date.now;
  const activity = options.onActivity ?? (() => undefined);
  const sessions = createSessionRegistry();
  const connections = new Map<string, BridgeConnection>();
  const pool = createFetchPool(log);
  const tokens = new Map<string, { profile: string; expires: number }>();
  let counter = 0;

  const spendToken = (token: string, profile: string): boolean => {
    for (const [candidate, grant] of tokens) {
      if (grant.expires < now()) tokens.delete(candidate);
      else if (candidate.length === token.length && timingSafeEqual(Buffer.from(candidate), Buffer.from(token))) {
        tokens.delete(candidate);
        return grant.profile === profile;
      }
    }
    return false;
  };

  const server: Server = await listenOnAgentSocket(options.socketPath, (socket) => {
    const id = `b${++counter}`;
    const connection = serveBridge(socket, {
      id,
      credentials: options.credentials,
      source: options.credentials,
      policy: options.policy ?? allowAll,
      identify: options.identify ?? ((s) => identifyPeer(s)),
      spendToken,
      pool,
      log,
      sessions,
      limits,
      now,
      activity,
      onClose: () => connections.delete(id),
    });
    connections.set(id, connection);
  });
  server.maxConnections = limits.maxConnections;
  // Load the upstream path (undici, the SDK's transport) now rather than on the first hello.
  void pool.fetchFor(undefined).catch(() => undefined);

  const onKeyEvent = async (event: KeyEvent) => {
    const affected = [...connections.values()].flatMap((c) => (c.session?.profile === event.profile ? [c.session] : []));
    if (event.type === 'revoked') {
      for (const session of affected) session.revoke(event.message);
      return;
    }
    await Promise.all(affected.map((session) => session.refresh()));
  };
  const stopListening = options.credentials.onKeyEvent(onKeyEvent);

  return {
    socketPath: options.socketPath,
    sessions: sessions.list,
    subscribe: sessions.subscribe,
    connectionCount: () => connections.size,
    issueToken(profile) {
      const token = randomBytes(24).toString('hex');
      tokens.set(token, { profile, expires: now() + TOKEN_TTL_MS });
      return token;
    },
    async close() {
      stopListening();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // End the upstream sessions (DELETE) while the pool still sends, for a bounded time; then
      // the pool aborts what still streams (a long tool call whose session could not be ended:
      // no key any more, or a server without DELETE), else closing would wait for it.
      const ending = Promise.all([...connections.values()].map((c) => c.session?.close()));
      for (const connection of connections.values()) connection.close();
      await closed;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ending, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_SESSIONS_MS)))]);
      clearTimeout(timer);
      await pool.close();
    },
  };
}
