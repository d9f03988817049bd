// One bridge on the agent socket, speaking protocol v1: hello → credentials or an error
// frame; status frames update its session. Whatever the peer sends — malformed lines,
// unknown types, oversized lines, a half frame before it vanishes — only this connection is
// affected, and a peer that stops reading is dropped before its queue grows without bound.
import type { Socket } from 'node:net';
import {
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  decodeBridgeFrame,
  encodeFrame,
  type AgentErrorCode,
  type AgentToBridgeFrame,
  type HelloFrame,
  type StatusFrame,
} from '../../src-shared/agent-protocol';
import type { SessionView } from '../../src-shared/ipc-contract';
import { createLineSplitter } from '../../src-shared/line-splitter';
import type { CredentialSource } from './credential-source';
import type { SessionRegistry } from './session-view';

export interface BridgeClient {
  name: string;
  pid: number | null;
}

/** Decides whether a client may have a profile's key (the shell adds the approval prompt). */
export type AccessPolicy = (client: BridgeClient, profile: string) => Promise<'allow' | 'deny'>;

export const allowAll: AccessPolicy = async () => 'allow';

export interface AgentActivity {
  level: 'info' | 'warning' | 'error';
  profile: string | null;
  message: string;
}

export interface ConnectionLimits {
  /** Bytes queued for a bridge that does not read; past this it is disconnected. */
  maxBufferedBytes: number;
  /** A connection that has not said hello by then is closed. */
  helloTimeoutMs: number;
}

export interface ConnectionDeps {
  id: string;
  credentials: CredentialSource;
  policy: AccessPolicy;
  sessions: SessionRegistry;
  limits: ConnectionLimits;
  now: () => number;
  activity: (event: AgentActivity) => void;
  onClose: () => void;
}

export interface BridgeConnection {
  readonly id: string;
  /** The profile this bridge was given credentials for, or null. */
  readonly profile: string | null;
  /** Sends the profile's current credentials (or the error that now stands in their way). */
  refresh(): Promise<void>;
  send(frame: AgentToBridgeFrame): void;
  close(): void;
}

export function serveBridge(socket: Socket, deps: ConnectionDeps): BridgeConnection {
  const { id, credentials, sessions, limits } = deps;
  let session: SessionView | null = null;
  let helloPending = false;
  /** A status sent while the hello is still being answered (e.g. the user is deciding). */
  let earlyStatus: StatusFrame | null = null;
  let closed = false;

  const send = (frame: AgentToBridgeFrame) => {
    if (closed || socket.destroyed) return;
    socket.write(encodeFrame(frame));
    if (socket.writableLength > limits.maxBufferedBytes) {
      deps.activity({ level: 'warning', profile: session?.profile ?? null, message: `Disconnected a bridge that stopped reading (${clientLabel()}).` });
      socket.destroy();
    }
  };
  const fail = (code: AgentErrorCode, message: string) => send({ type: 'error', code, message });
  const clientLabel = () => (session ? `${session.client.name}${session.client.pid === null ? '' : `, pid ${session.client.pid}`}` : 'before hello');

  const helloTimer = setTimeout(() => {
    if (!session && !helloPending) socket.destroy();
  }, limits.helloTimeoutMs);

  const answerLookup = async (profile: string, client: BridgeClient): Promise<boolean> => {
    const lookup = await credentials.credentialsFor(profile);
    if (closed) return false;
    if (!lookup.ok) {
      fail(lookup.code, lookup.message);
      deps.activity({ level: 'warning', profile, message: `${client.name} could not get the key for '${profile}': ${lookup.message}` });
      return false;
    }
    send(lookup.frame);
    return true;
  };

  const hello = async (frame: HelloFrame) => {
    const client: BridgeClient = { name: frame.client.name, pid: frame.client.pid ?? null };
    const { profile } = frame;
    if (!credentials.has(profile)) {
      fail('unknown-profile', `No profile named '${profile}'. Open KeyBridge to add it.`);
      deps.activity({ level: 'warning', profile: null, message: `${client.name} asked for '${profile}', which does not exist.` });
      return;
    }
    const decision = await deps.policy(client, profile).catch(() => 'deny' as const);
    if (closed) return;
    if (decision !== 'allow') {
      fail('denied', `KeyBridge did not allow ${client.name} to use '${profile}'. You can change this in KeyBridge's settings.`);
      deps.activity({ level: 'warning', profile, message: `Refused ${client.name} access to '${profile}'.` });
      return;
    }
    if (!(await answerLookup(profile, client))) return;
    const sameSession = session?.profile === profile;
    session = {
      id,
      profile,
      client,
      since: sameSession && session ? session.since : new Date(deps.now()).toISOString(),
      upstream: sameSession && session ? session.upstream : 'connecting',
      requests: sameSession && session ? session.requests : 0,
      errors: sameSession && session ? session.errors : 0,
      lastError: sameSession && session ? session.lastError : null,
    };
    sessions.set(session);
    if (earlyStatus?.profile === profile) status(earlyStatus);
    if (!sameSession) {
      deps.activity({ level: 'info', profile, message: `${client.name}${client.pid === null ? '' : ` (pid ${client.pid})`} connected to '${profile}'.` });
    }
  };

  const status = (frame: StatusFrame) => {
    if (helloPending && session?.profile !== frame.profile) {
      earlyStatus = frame;
      return;
    }
    if (!session) return fail('bad-request', 'Send hello before status.');
    if (frame.profile !== session.profile) return fail('bad-request', `This connection serves '${session.profile}', not '${frame.profile}'.`);
    const wasFailing = session.upstream === 'failing';
    session = { ...session, upstream: frame.upstream, requests: frame.requests, errors: frame.errors, lastError: frame.lastError };
    sessions.set(session);
    if (frame.upstream === 'failing' && !wasFailing) {
      const detail = frame.lastError ? `: ${frame.lastError.status ?? 'no response'} ${frame.lastError.message}` : '';
      deps.activity({ level: 'error', profile: session.profile, message: `${session.client.name} reports '${session.profile}' failing upstream${detail}` });
    }
  };

  const onLine = (line: string) => {
    if (line.trim() === '') return;
    const decoded = decodeBridgeFrame(line);
    if (decoded.kind === 'ignored') return;
    if (decoded.kind === 'malformed') {
      const version = helloVersion(line);
      if (version !== null && version !== PROTOCOL_VERSION) return unsupported(version);
      return fail('bad-request', `Malformed frame (${decoded.reason}).`);
    }
    const { frame } = decoded;
    if (frame.type === 'status') return status(frame);
    if (frame.v !== PROTOCOL_VERSION) return unsupported(frame.v);
    if (helloPending) return fail('bad-request', 'A hello is already being answered.');
    helloPending = true;
    hello(frame)
      .catch((error: unknown) => {
        fail('bad-request', 'KeyBridge could not answer this hello.');
        deps.activity({ level: 'error', profile: frame.profile, message: `Answering a hello failed: ${error instanceof Error ? error.message : String(error)}` });
      })
      .finally(() => {
        helloPending = false;
        earlyStatus = null;
      });
  };
  const unsupported = (version: number) =>
    fail('unsupported-version', `This bridge speaks agent protocol v${version}; this KeyBridge speaks v${PROTOCOL_VERSION}. Update KeyBridge or the bridge.`);

  const splitter = createLineSplitter({
    maxLength: MAX_FRAME_BYTES,
    onLine,
    onOverflow: () => fail('bad-request', `Frame too long (over ${MAX_FRAME_BYTES} bytes).`),
  });

  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => splitter.push(chunk));
  // A reset or EPIPE ends only this connection; 'close' follows.
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    clearTimeout(helloTimer);
    splitter.end();
    if (session) {
      sessions.delete(id);
      deps.activity({ level: 'info', profile: session.profile, message: `${session.client.name} disconnected from '${session.profile}'.` });
    }
    deps.onClose();
  });

  return {
    id,
    get profile() {
      return session?.profile ?? null;
    },
    async refresh() {
      if (session) await answerLookup(session.profile, session.client);
    },
    send,
    close: () => socket.destroy(),
  };
}

/** The `v` of a line that is a hello the schema refused (a future protocol's hello). */
function helloVersion(line: string): number | null {
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'hello') {
      const { v } = value as { v?: unknown };
      return typeof v === 'number' ? v : null;
    }
  } catch {
    // not JSON
  }
  return null;
}
