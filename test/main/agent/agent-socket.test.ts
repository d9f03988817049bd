// Taking the agent socket: owner-only folder (an existing one that is too open is refused,
// never chmod'ed), stale sockets, a live agent, two agents racing.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentAlreadyRunningError, AgentSocketError, defaultAgentSocketPath, startAgent, type Agent, type CredentialSource } from '../../../src-main/agent';
import { agentSocketDir, agentSocketPath } from '../../../src-shared/agent-socket-path';
import { makeTempDir } from '../vault/helpers';
import { connectRawBridge } from './raw-bridge';

/** A credential source with one profile and no key events. */
const source: CredentialSource = {
  has: (profile) => profile === 'p',
  credentialsFor: async () => ({
    ok: true,
    credentials: { endpoint: 'https://example.com/mcp', auth: 'bearer', key: 'umk_live_test_0000000000', keyId: 'sha256:00000000' },
  }),
  onKeyEvent: () => () => undefined,
};

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let agents: Agent[];
let socketPath: string;

beforeEach(async () => {
  temp = await makeTempDir('kb-sock-');
  socketPath = join(temp.dir, 'run', 'agent.sock');
  agents = [];
});
afterEach(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await temp.remove();
});

async function start(): Promise<Agent> {
  const agent = await startAgent({ socketPath, credentials: source });
  agents.push(agent);
  return agent;
}

/** Leaves a socket file nobody listens on, as a crashed (SIGKILLed) agent does. */
async function leaveStaleSocket(path: string): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  await new Promise((resolve) => child.once('exit', resolve));
  expect(statSync(path).isSocket()).toBe(true);
}

async function answersHello(path: string): Promise<boolean> {
  const bridge = await connectRawBridge(path);
  const frame = await bridge.handshake('p');
  await bridge.close();
  expect(bridge.received).not.toContain('umk_live_test');
  return frame.type === 'ready';
}

describe('taking the socket', () => {
  it('replaces a stale socket left by a crashed agent', async () => {
    await leaveStaleSocket(socketPath);
    await start();
    expect(await answersHello(socketPath)).toBe(true);
  });

  it('refuses to start next to a live agent, which keeps serving', async () => {
    await start();
    await expect(startAgent({ socketPath, credentials: source })).rejects.toBeInstanceOf(AgentAlreadyRunningError);
    await expect(startAgent({ socketPath, credentials: source })).rejects.toThrow(/already running/);
    expect(await answersHello(socketPath)).toBe(true);
  });

  it('lets exactly one of two racing agents win, stale socket or not', async () => {
    for (let round = 0; round < 8; round++) {
      if (round % 2 === 0) await leaveStaleSocket(socketPath);
      const results = await Promise.allSettled([startAgent({ socketPath, credentials: source }), startAgent({ socketPath, credentials: source })]);
      const winners = results.filter((r): r is PromiseFulfilledResult<Agent> => r.status === 'fulfilled').map((r) => r.value);
      const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
      expect(winners).toHaveLength(1);
      expect(losers[0]).toBeInstanceOf(AgentAlreadyRunningError);
      expect(await answersHello(socketPath)).toBe(true);
      await winners[0]!.close();
      expect(existsSync(socketPath)).toBe(false);
    }
  });

  it('refuses an existing folder that is open to others, with what to do, and leaves it as it was', async () => {
    const dir = join(temp.dir, 'run');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const refused = await start().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AgentSocketError);
    expect((refused as Error).message).toBe(`${dir} is open to other users (mode 0755); KeyBridge will not put its socket there. Run: chmod 700 '${dir}'`);
    // Never chmod'ed, nothing created in it.
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    expect(existsSync(socketPath)).toBe(false);
    expect(existsSync(`${socketPath}.lock`)).toBe(false);
    // Group-writable only, or world-readable only: refused all the same.
    for (const mode of [0o770, 0o704, 0o701]) {
      chmodSync(dir, mode);
      await expect(start()).rejects.toThrow(/open to other users/);
      expect(statSync(dir).mode & 0o777).toBe(mode);
    }
    // Once the user fixed it, the agent starts.
    chmodSync(dir, 0o700);
    await start();
    expect(await answersHello(socketPath)).toBe(true);
  });

  it('creates a missing folder owner-only', async () => {
    await start();
    expect(statSync(join(temp.dir, 'run')).mode & 0o777).toBe(0o700);
  });

  it("refuses a folder that belongs to another user, a symlink planted as the folder, and a path that is not a socket", async () => {
    const dir = join(temp.dir, 'run');
    if (process.getuid?.() === 0) {
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, 65534, 65534);
      await expect(start()).rejects.toThrow(/belongs to another user/);
      expect(statSync(dir).uid).toBe(65534);
      chownSync(dir, 0, 0);
    } else {
      mkdirSync(dir, { mode: 0o700 });
    }
    const elsewhere = join(temp.dir, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    const linked = join(temp.dir, 'linked');
    symlinkSync(elsewhere, linked);
    await expect(startAgent({ socketPath: join(linked, 'agent.sock'), credentials: source })).rejects.toThrow(/is not a folder/);
    expect(existsSync(join(elsewhere, 'agent.sock'))).toBe(false);

    writeFileSync(socketPath, 'not a socket');
    await expect(start()).rejects.toBeInstanceOf(AgentSocketError);
    await expect(start()).rejects.toThrow(/exists and is not a socket/);
  });

  it('recovers from a lock left by a start that crashed', async () => {
    mkdirSync(join(temp.dir, 'run'), { mode: 0o700 });
    writeFileSync(`${socketPath}.lock`, '12345');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${socketPath}.lock`, old, old);
    await start();
    expect(await answersHello(socketPath)).toBe(true);
    expect(existsSync(`${socketPath}.lock`)).toBe(false);
  });
});

describe('the socket path', () => {
  it('honours KEYBRIDGE_AGENT_SOCKET and is per user on every platform', () => {
    expect(defaultAgentSocketPath({ KEYBRIDGE_AGENT_SOCKET: '/tmp/x.sock' })).toBe('/tmp/x.sock');
    expect(defaultAgentSocketPath({})).toMatch(/\.keybridge\/run\/agent\.sock$/);
    const pipe = agentSocketPath({ platform: 'win32', homeDir: 'C:\\Users\\Ada', username: 'Ada Lovelace', env: {} });
    expect(pipe).toBe('\\\\.\\pipe\\keybridge-agent-Ada_Lovelace');
    // A named pipe has no folder to create or check: the agent takes the pipe path directly.
    expect(agentSocketDir(pipe)).toBeNull();
  });
});
