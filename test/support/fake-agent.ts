// A fake KeyBridge agent speaking protocol v1 (src-shared/agent-protocol.ts) on a real Unix
// socket in a temp dir. It answers hello with the profile's credentials (or an error frame),
// records every frame it receives, and lets tests push rotations, revoke, and drop bridges.
import { createServer, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PROTOCOL_VERSION,
  MAX_FRAME_BYTES,
  decodeBridgeFrame,
  encodeFrame,
  type AgentErrorCode,
  type AgentToBridgeFrame,
  type AuthStyle,
  type BridgeToAgentFrame,
  type HelloFrame,
  type NetworkSettings,
  type StatusFrame,
} from '../../src-shared/agent-protocol';
import { createLineSplitter } from '../../src-shared/line-splitter';

export interface FakeCredentials {
  endpoint: string;
  auth: AuthStyle;
  key: string;
  /** Default: `sha256:` + a stand-in fingerprint. */
  keyId?: string;
  network?: NetworkSettings;
}

/** A profile the agent knows: credentials, or the error frame it answers hello with. */
export type FakeProfile = FakeCredentials | { error: AgentErrorCode; message: string };

export interface FakeAgentOptions {
  /** Default: `agent.sock` in a fresh temp dir (removed on close). */
  socketPath?: string;
  profiles: Record<string, FakeProfile>;
  /** When false the agent never answers hello (a hung tray). Default true. */
  answerHello?: boolean;
}

export interface FakeAgent {
  readonly socketPath: string;
  /** Every frame received from bridges, in order (malformed lines are answered, not recorded). */
  readonly frames: BridgeToAgentFrame[];
  /** When each of `frames` arrived (Date.now()), same order. */
  readonly receivedAt: number[];
  readonly hellos: HelloFrame[];
  readonly statuses: StatusFrame[];
  /** Raw frames sent to bridges, in order (they carry keys: test-only memory). */
  readonly sent: AgentToBridgeFrame[];
  /** Open connections right now. */
  readonly connections: number;
  /** Replaces the profile's credentials and sends a `credentials` frame to its bridges. */
  pushCredentials(profile: string, credentials: FakeCredentials): void;
  /** Forgets the profile and sends `revoked` to its bridges. */
  revoke(profile: string, message: string): void;
  /** Destroys every open connection (the tray quit or crashed); the socket still listens. */
  dropConnections(): void;
  /** Resolves with the first received frame matching `predicate` (already received or later). */
  waitForFrame<T extends BridgeToAgentFrame>(predicate: (frame: BridgeToAgentFrame) => frame is T, timeoutMs?: number): Promise<T>;
  waitForFrame(predicate: (frame: BridgeToAgentFrame) => boolean, timeoutMs?: number): Promise<BridgeToAgentFrame>;
  close(): Promise<void>;
}

function credentialsFrame(profile: string, c: FakeCredentials): AgentToBridgeFrame {
  return {
    type: 'credentials',
    profile,
    endpoint: c.endpoint,
    auth: c.auth,
    key: c.key,
    keyId: c.keyId ?? `sha256:${c.key.length.toString(16).padStart(8, '0')}`,
    ...(c.network ? { network: c.network } : {}),
  };
}

export async function startFakeAgent(options: FakeAgentOptions): Promise<FakeAgent> {
  const ownDir = options.socketPath ? null : await mkdtemp(join(tmpdir(), 'kb-agent-'));
  const socketPath = options.socketPath ?? join(ownDir!, 'agent.sock');
  const profiles = new Map(Object.entries(options.profiles));
  const frames: BridgeToAgentFrame[] = [];
  const receivedAt: number[] = [];
  const sent: AgentToBridgeFrame[] = [];
  const sockets = new Map<Socket, string | null>();
  const waiters = new Set<(frame: BridgeToAgentFrame) => void>();

  const send = (socket: Socket, frame: AgentToBridgeFrame) => {
    sent.push(frame);
    socket.write(encodeFrame(frame));
  };

  const server = createServer((socket) => {
    sockets.set(socket, null);
    socket.setEncoding('utf8');
    const splitter = createLineSplitter({
      maxLength: MAX_FRAME_BYTES,
      onOverflow: () => send(socket, { type: 'error', code: 'bad-request', message: 'Frame too long.' }),
      onLine: (line) => {
        if (line.trim() === '') return;
        const decoded = decodeBridgeFrame(line);
        if (decoded.kind === 'ignored') return;
        if (decoded.kind === 'malformed') {
          send(socket, { type: 'error', code: 'bad-request', message: `Malformed frame: ${decoded.reason}` });
          return;
        }
        const frame = decoded.frame;
        frames.push(frame);
        receivedAt.push(Date.now());
        for (const waiter of waiters) waiter(frame);
        if (frame.type !== 'hello' || options.answerHello === false) return;
        if (frame.v !== PROTOCOL_VERSION) {
          send(socket, { type: 'error', code: 'unsupported-version', message: `Protocol v${frame.v} is not supported; update KeyBridge.` });
          return;
        }
        sockets.set(socket, frame.profile);
        const profile = profiles.get(frame.profile);
        if (!profile) {
          send(socket, { type: 'error', code: 'unknown-profile', message: `No profile named '${frame.profile}'. Open KeyBridge to add it.` });
        } else if ('error' in profile) {
          send(socket, { type: 'error', code: profile.error, message: profile.message });
        } else {
          send(socket, credentialsFrame(frame.profile, profile));
        }
      },
    });
    socket.on('data', (chunk: string) => splitter.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });

  const socketsFor = (profile: string) => [...sockets].filter(([, p]) => p === profile).map(([s]) => s);

  const agent: FakeAgent = {
    socketPath,
    frames,
    receivedAt,
    get hellos() {
      return frames.filter((f): f is HelloFrame => f.type === 'hello');
    },
    get statuses() {
      return frames.filter((f): f is StatusFrame => f.type === 'status');
    },
    sent,
    get connections() {
      return sockets.size;
    },
    pushCredentials(profile, credentials) {
      profiles.set(profile, credentials);
      for (const socket of socketsFor(profile)) send(socket, credentialsFrame(profile, credentials));
    },
    revoke(profile, message) {
      profiles.delete(profile);
      for (const socket of socketsFor(profile)) send(socket, { type: 'revoked', profile, message });
    },
    dropConnections() {
      for (const socket of sockets.keys()) socket.destroy();
      sockets.clear();
    },
    waitForFrame(predicate: (frame: BridgeToAgentFrame) => boolean, timeoutMs = 5000): Promise<BridgeToAgentFrame> {
      const seen = frames.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`fake agent: no matching frame within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (frame: BridgeToAgentFrame) => {
          if (!predicate(frame)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(frame);
        };
        waiters.add(waiter);
      });
    },
    async close() {
      // Stop accepting first: a bridge reconnecting meanwhile must not keep the server open.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      agent.dropConnections();
      await closed;
      if (ownDir) await rm(ownDir, { recursive: true, force: true });
    },
  };
  return agent;
}
