// One bridge on the agent socket, speaking protocol v2 (docs/agent-protocol.md): hello →
// (who is it, says the OS; may it, says the policy) → ready or an error frame; then the
// bridge's MCP session, carried upstream by this process. Whatever the peer sends — malformed
// lines, oversized lines, a half frame before it vanishes — only this connection is affected,
// and a peer that stops reading is dropped before its queue grows without bound.
import type { Socket } from 'node:net';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, PROTOCOL_VERSION, decodeBridgeFrame, encodeFrame, helloVersion, type AgentErrorCode, type AgentToBridgeFrame, type HelloFrame } from '../../src-shared/agent-protocol';
import { INVALID_REQUEST, PARSE_ERROR, errorResponse } from '../../src-shared/jsonrpc-errors';
import { createLineSplitter, type LineSplitter } from '../../src-shared/line-splitter';
import type { CredentialSource } from './credential-source';
import { clientLabel, describeClient, type AccessPolicy, type BridgeClient } from './client-identity';
import type { PeerIdentity } from './peer-identity';
import { openBridgeSession, type BridgeSession, type SessionDeps } from './bridge-session';

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
  /** How long the assistant's outstanding requests may take once it closed its side. */
  drainMs: number;
}

export interface ConnectionDeps extends Pick<SessionDeps, 'source' | 'pool' | 'log' | 'sessions' | 'now'> {
  id: string;
  credentials: CredentialSource;
  policy: AccessPolicy;
  identify: (socket: Socket) => Promise<PeerIdentity>;
  /** Spends a one-time approval token (Test connection); true if it was valid. */
  spendToken: (token: string, profile: string) => boolean;
  limits: ConnectionLimits;
  activity: (event: AgentActivity) => void;
  onClose: () => void;
}

export interface BridgeConnection {
  readonly id: string;
  /** This bridge's session, or null before ready. */
  readonly session: BridgeSession | null;
  close(): void;
}

/** The id an invalid message is answered with: its own when it has one (JSON-RPC), else null,
 * so that an assistant's request is never left without an answer under its id. (A number too
 * large for a double, 1e999, parses as Infinity, which JSON writes as null.) */
function replyId(item: unknown): string | number | null {
  const id = (item as { id?: unknown } | null)?.id; // a JSON value: null, or anything with properties
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** How long a refused peer may keep its side of the connection open. */
const REFUSED_LINGER_MS = 1000;

export function serveBridge(socket: Socket, deps: ConnectionDeps): BridgeConnection {
  const { id, credentials, limits } = deps;
  let session: BridgeSession | null = null;
  let helloSeen = false;
  /** Refused or closed: no further line is read, no hello still being answered goes on. */
  let finished = false;

  // Nothing is written once the connection is refused (one frame, then end) or after the
  // session finished (then end): no write comes after end. A write on a destroyed socket is a
  // no-op. Before a session only that one refusal frame is written: a queue grows only with a
  // session's messages.
  const write = (text: string) => {
    socket.write(text);
    if (session && socket.writableLength > limits.maxBufferedBytes) {
      deps.activity({ level: 'warning', profile: session.profile, message: `Disconnected an assistant that stopped reading (${clientLabel(session.client)}).` });
      socket.destroy();
    }
  };
  let lingerTimer: NodeJS.Timeout | undefined;
  const fail = (code: AgentErrorCode, message: string) => {
    // Stryker disable next-line ConditionalExpression: a second refusal would be a write after end, which Node answers by destroying the already refused socket: the peer gets the same bytes
    if (finished) return;
    finished = true;
    write(encodeFrame({ type: 'error', code, message } satisfies AgentToBridgeFrame));
    socket.end();
    // A bridge closes its side when it reads the refusal; a peer that does not would hold a
    // connection (of maxConnections) for good.
    lingerTimer = setTimeout(() => socket.destroy(), REFUSED_LINGER_MS);
  };

  // Asked at once, not at hello: the OS's answer (an `ss` run, ~10 ms) is ready while the
  // bridge waits for the assistant's initialize.
  const identified = deps.identify(socket);
  const helloTimer = setTimeout(() => {
    if (!helloSeen) socket.destroy();
  }, limits.helloTimeoutMs);

  const hello = async (frame: HelloFrame) => {
    const { profile } = frame;
    const identity = await identified;
    if (finished) return;
    const client: BridgeClient = describeClient(identity, frame.client?.name ?? null);
    const byToken = frame.token !== undefined && deps.spendToken(frame.token, profile);
    // The client is judged before the profile is looked up: an unknown profile and one this
    // client may not use answer alike (no listing of profile names by trial).
    let allowed = byToken;
    if (!byToken) {
      try {
        allowed = (await deps.policy({ client, profile })) === 'allow';
      } catch {
        // A policy that fails refuses.
      }
    }
    if (finished) return;
    if (!allowed) {
      fail('denied', `KeyBridge did not allow ${client.name} to use the key '${profile}'. Open KeyBridge to allow it.`);
      deps.activity({ level: 'warning', profile: null, message: `Refused ${clientLabel(client)} the key '${profile}'.` });
      return;
    }
    if (!credentials.has(profile)) {
      fail('unknown-profile', `KeyBridge has no key named '${profile}'. Add it in KeyBridge, or fix the name in the assistant's config.`);
      deps.activity({ level: 'warning', profile: null, message: `${clientLabel(client)} asked for '${profile}', which does not exist.` });
      return;
    }
    const lookup = await credentials.credentialsFor(profile, { record: !byToken });
    if (finished) return;
    if (!lookup.ok) {
      fail(lookup.code, lookup.message);
      deps.activity({ level: 'warning', profile, message: `${clientLabel(client)} could not use '${profile}': ${lookup.message}` });
      return;
    }
    const { source, pool, log, sessions, now, activity } = deps;
    session = openBridgeSession({ source, pool, log, sessions, now, activity, id, profile, client, credentials: lookup.credentials, write, testConnection: byToken });
    if (frame.resume) session.resume(frame.resume);
    write(encodeFrame({ type: 'ready', v: PROTOCOL_VERSION, profile }));
    splitter = messageSplitter(session);
  };

  // Lines after a refusal (in the same chunk, or sent before the peer read it) are not read:
  // a refused connection never gets its hello answered after all.
  const onHelloLine = (line: string) => {
    if (finished || line.trim() === '') return;
    if (helloSeen) return fail('bad-request', 'Send one hello, then wait for ready.');
    const version = helloVersion(line);
    if (version !== null && version !== PROTOCOL_VERSION) {
      return fail(
        'unsupported-version',
        // Stryker disable next-line EqualityOperator: version is not PROTOCOL_VERSION here, so < and <= agree
        version < PROTOCOL_VERSION
          ? `This MCP server entry runs an older KeyBridge bridge (protocol v${version}); KeyBridge now speaks v${PROTOCOL_VERSION}. Restart the assistant so that it starts the new bridge.`
          : // A bridge of a newer KeyBridge than the one running: the app was updated and not restarted.
            `This MCP server entry runs a newer KeyBridge bridge (protocol v${version}) than the KeyBridge running (v${PROTOCOL_VERSION}). Restart KeyBridge so that the updated version runs.`,
      );
    }
    const decoded = decodeBridgeFrame(line);
    if (decoded.kind !== 'frame') return fail('bad-request', decoded.kind === 'ignored' ? 'Say hello first.' : `Malformed frame (${decoded.reason}).`);
    helloSeen = true;
    hello(decoded.frame).catch((error: unknown) => {
      fail('bad-request', 'KeyBridge could not answer this hello.');
      deps.activity({ level: 'error', profile: null, message: `Answering a hello failed: ${error instanceof Error ? error.message : String(error)}` });
    });
  };

  const onMessageLine = (open: BridgeSession, line: string) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      write(`${JSON.stringify(errorResponse(null, PARSE_ERROR, 'Parse error: not JSON'))}\n`);
      return;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      if (JSONRPCMessageSchema.safeParse(item).success) open.fromClient(item as JSONRPCMessage);
      else write(`${JSON.stringify(errorResponse(replyId(item), INVALID_REQUEST, 'Invalid JSON-RPC message'))}\n`);
    }
  };

  const messageSplitter = (open: BridgeSession): LineSplitter =>
    createLineSplitter({
      maxLength: MAX_MESSAGE_CHARS,
      onLine: (line) => onMessageLine(open, line),
      onOverflow: () => write(`${JSON.stringify(errorResponse(null, PARSE_ERROR, `Parse error: message longer than ${MAX_MESSAGE_CHARS} characters`))}\n`),
    });
  let splitter: LineSplitter = createLineSplitter({
    maxLength: MAX_FRAME_BYTES,
    onLine: onHelloLine,
    onOverflow: () => fail('bad-request', `Frame too long (over ${MAX_FRAME_BYTES} bytes).`),
  });

  // Stryker disable next-line StringLiteral: Node reads an empty encoding name as utf8
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => splitter.push(chunk));
  // The bridge closed its side (the assistant closed stdin): answer what is outstanding, end
  // the upstream session, close.
  socket.on('end', () => {
    const ending = session;
    if (!ending) return void socket.end();
    void ending.finish(limits.drainMs).finally(() => socket.end());
  });
  // A reset or EPIPE ends only this connection; 'close' follows.
  socket.on('error', () => undefined);
  socket.on('close', () => {
    finished = true;
    clearTimeout(helloTimer);
    clearTimeout(lingerTimer);
    void session?.close();
    deps.onClose();
  });

  return {
    id,
    get session() {
      return session;
    },
    close: () => socket.destroy(),
  };
}
