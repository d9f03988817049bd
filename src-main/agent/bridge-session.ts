// One bridge's MCP session, carried by the agent: the upstream session with this profile's
// current key, the relay to the bridge, and the live view the tray shows (requests, errors,
// whether the vendor answers). The key lives here, in KeyBridge's process; the bridge only
// ever receives MCP messages.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ResumeState } from '../../src-shared/agent-protocol';
import type { LastError, UpstreamState } from '../../src-shared/ipc-contract';
import type { SessionView } from '../../src-shared/ipc-contract';
import { createAuthFetch, type FetchPool } from '../upstream/auth-fetch';
import type { UpstreamCredentials } from '../upstream/credentials';
import type { UpstreamLog } from '../upstream/log';
import { Relay } from '../upstream/relay';
import { UpstreamSession } from '../upstream/session';
import { StreamGuard } from '../upstream/stream-guard';
import type { AgentActivity } from './bridge-connection';
import { clientLabel, type BridgeClient } from './client-identity';
import type { CredentialSource } from './credential-source';
import type { SessionRegistry } from './session-view';

/** The session view is published at once on a change of state, else at most this often. */
const VIEW_INTERVAL_MS = 1000;

export interface SessionDeps {
  id: string;
  profile: string;
  client: BridgeClient;
  credentials: UpstreamCredentials;
  source: CredentialSource;
  /** Writes to the bridge (newline-terminated lines). */
  write: (text: string) => void;
  pool: FetchPool;
  log: UpstreamLog;
  sessions: SessionRegistry;
  now: () => number;
  activity: (event: AgentActivity) => void;
  /** Started by KeyBridge's own Test connection: not shown as an assistant's session. */
  testConnection: boolean;
}

export interface BridgeSession {
  readonly profile: string;
  readonly client: BridgeClient;
  fromClient(message: JSONRPCMessage): void;
  /** Re-initializes upstream as the assistant had (a bridge back after an agent restart). */
  resume(state: ResumeState): void;
  /** The profile's key or settings changed: use the current ones from the next request. */
  refresh(): Promise<void>;
  /** The key was removed or paused: every request is answered with `message`. */
  revoke(message: string): void;
  /** The assistant closed its side: answer what is outstanding (≤ `drainMs`), end upstream. */
  finish(drainMs: number): Promise<void>;
  /** Ends the upstream session (DELETE) and forgets the view. */
  close(): Promise<void>;
}

export function openBridgeSession(deps: SessionDeps): BridgeSession {
  const { profile, client } = deps;
  let current: UpstreamCredentials | null = deps.credentials;
  /** Why there are no credentials: set wherever `current` becomes null, read only then. */
  // Stryker disable next-line StringLiteral: never read before refresh() or revoke() sets it
  let unavailable = '';
  /** Every key this session has used: redacted from whatever the vendor sends back. */
  const keys = new Set([deps.credentials.key]);
  const guard = new StreamGuard();
  const fetch = createAuthFetch({ credentials: () => current, pool: deps.pool, guard, noCredentialsMessage: () => unavailable });

  const view: SessionView = {
    id: deps.id,
    profile,
    client: { name: client.name, pid: client.pid },
    since: new Date(deps.now()).toISOString(),
    upstream: 'connecting',
    requests: 0,
    errors: 0,
    lastError: null,
  };
  let viewTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const publish = () => {
    clearTimeout(viewTimer);
    viewTimer = undefined;
    if (!closed && !deps.testConnection) deps.sessions.set(view);
  };
  const publishSoon = () => {
    viewTimer ??= setTimeout(publish, VIEW_INTERVAL_MS);
  };
  /** Publishes at once on a change of state (and says so), else soon. */
  const setState = (state: UpstreamState): boolean => {
    if (view.upstream === state) {
      publishSoon();
      return false;
    }
    view.upstream = state;
    publish();
    return true;
  };

  const upstream = new UpstreamSession({
    endpoint: () => current?.endpoint ?? null,
    fetch,
    guard,
    log: deps.log,
    // The relay exists before the first message can arrive (nothing is sent before it).
    onMessage: (message) => relay.fromServer(message),
  });
  const relay = new Relay({
    profile,
    session: upstream,
    guard,
    log: deps.log,
    endpoint: () => current?.endpoint ?? deps.credentials.endpoint,
    keys: () => [...keys],
    write: deps.write,
    status: {
      request: () => {
        view.requests++;
        view.lastRequestAt = new Date(deps.now()).toISOString();
        publishSoon();
      },
      ok: () => void setState('ok'),
      failure: (status, message) => {
        view.errors++;
        const lastError: LastError = { status, message: message.slice(0, 2000), at: new Date(deps.now()).toISOString() };
        view.lastError = lastError;
        if (setState('failing') && !deps.testConnection) {
          deps.activity({ level: 'error', profile, message: `${clientLabel(client)}: '${profile}' is failing (${status ?? 'no response'} ${lastError.message})` });
        }
      },
    },
  });
  publish();
  if (!deps.testConnection) deps.activity({ level: 'info', profile, message: `${clientLabel(client)} connected to '${profile}'.` });

  return {
    profile,
    client,
    fromClient: (message) => relay.fromClient(message),
    resume: (state) => upstream.resume(state),
    async refresh() {
      const lookup = await deps.source.credentialsFor(profile, { record: false });
      if (!lookup.ok) {
        current = null;
        unavailable = lookup.message;
        return;
      }
      current = lookup.credentials;
      keys.add(current.key);
      relay.restore();
    },
    revoke(message) {
      current = null;
      unavailable = message;
      relay.revoke(message);
    },
    async finish(drainMs) {
      await relay.drain(drainMs);
      await this.close();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(viewTimer);
      if (!deps.testConnection) {
        deps.sessions.delete(deps.id);
        deps.activity({ level: 'info', profile, message: `${clientLabel(client)} disconnected from '${profile}'.` });
      }
      await upstream.close();
    },
  };
}
