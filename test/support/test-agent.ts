// The REAL agent (src-main/agent, protocol v2) on a real Unix socket in a temp dir, over an
// in-memory key source the test controls: push a rotated key, revoke a profile, restart the
// agent (a tray update or crash) on the same socket. Keys live only in this test process — as
// in the app, where they live only in KeyBridge's own process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentErrorCode } from '../../src-shared/agent-protocol';
import type { AuthStyle, NetworkSettings } from '../../src-shared/endpoint';
import type { SessionView } from '../../src-shared/ipc-contract';
import { startAgent, type AccessPolicy, type Agent, type AgentActivity, type AgentOptions, type CredentialSource, type KeyEventListener } from '../../src-main/agent';

export interface TestCredentials {
  endpoint: string;
  auth: AuthStyle;
  key: string;
  network?: NetworkSettings;
}

/** A profile the agent knows: credentials, or the error it answers hello with. */
export type TestProfile = TestCredentials | { error: AgentErrorCode; message: string };

export interface TestAgentOptions {
  /** Default: `agent.sock` in a fresh temp dir (removed on close). */
  socketPath?: string;
  profiles: Record<string, TestProfile>;
  policy?: AccessPolicy;
  identify?: AgentOptions['identify'];
  limits?: AgentOptions['limits'];
}

export interface TestAgent {
  readonly socketPath: string;
  readonly agent: Agent;
  readonly activity: AgentActivity[];
  /** Every credentials lookup the agent made, by profile (a hello that got that far). */
  readonly lookups: string[];
  sessions(): SessionView[];
  /** Replaces the profile's credentials; sessions use them from their next request. */
  pushCredentials(profile: string, credentials: TestCredentials): Promise<void>;
  /** Forgets the profile; its sessions answer every request with `message`. */
  revoke(profile: string, message: string): Promise<void>;
  /** Stops the agent (every bridge loses its connection) and starts it again on the same socket. */
  restart(): Promise<void>;
  /** Stops the agent without starting it again. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

const fingerprint = (key: string) => `sha256:test-${key.length}-${key.slice(-4)}`;

export async function startTestAgent(options: TestAgentOptions): Promise<TestAgent> {
  const ownDir = options.socketPath ? null : await mkdtemp(join(tmpdir(), 'kb-agent-'));
  const socketPath = options.socketPath ?? join(ownDir!, 'agent.sock');
  const profiles = new Map(Object.entries(options.profiles));
  const listeners = new Set<KeyEventListener>();
  const activity: AgentActivity[] = [];
  const lookups: string[] = [];
  const emit = async (event: Parameters<KeyEventListener>[0]) => {
    await Promise.all([...listeners].map(async (listener) => listener(event)));
  };

  const source: CredentialSource = {
    has: (profile) => profiles.has(profile),
    async credentialsFor(profile) {
      lookups.push(profile);
      const found = profiles.get(profile);
      if (!found) return { ok: false, code: 'unknown-profile', message: `KeyBridge has no key named '${profile}'.` };
      if ('error' in found) return { ok: false, code: found.error, message: found.message };
      return { ok: true, credentials: { ...found, keyId: fingerprint(found.key) } };
    },
    onKeyEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  const start = () =>
    startAgent({
      socketPath,
      credentials: source,
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.identify ? { identify: options.identify } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      onActivity: (event) => activity.push(event),
    });
  let agent: Agent | null = await start();

  const handle: TestAgent = {
    socketPath,
    get agent() {
      if (!agent) throw new Error('test agent: stopped');
      return agent;
    },
    activity,
    lookups,
    sessions: () => agent?.sessions() ?? [],
    async pushCredentials(profile, credentials) {
      profiles.set(profile, credentials);
      await emit({ type: 'credentials', profile });
    },
    async revoke(profile, message) {
      profiles.delete(profile);
      await emit({ type: 'revoked', profile, message });
    },
    async restart() {
      await handle.stop();
      agent = await start();
    },
    async stop() {
      const running = agent;
      agent = null;
      await running?.close();
    },
    async close() {
      await handle.stop();
      if (ownDir) await rm(ownDir, { recursive: true, force: true });
    },
  };
  return handle;
}
