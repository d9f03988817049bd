// Taking the agent socket: owner-only folder, stale sockets, a live agent, two agents racing.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentAlreadyRunningError, AgentSocketError, defaultAgentSocketPath, startAgent, type Agent, type CredentialSource } from '../../../src-main/agent';
import { agentSocketDir, agentSocketPath } from '../../../src-shared/agent-socket-path';
import { makeTempDir } from '../vault/helpers';
import { connectRawBridge } from './raw-bridge';

/** A credential source with one profile and no key events. */
const source: CredentialSource = {
  has: (profile) => profile === 'p',
  credentialsFor: async (profile) => ({
    ok: true,
    frame: { type: 'credentials', profile, endpoint: 'https://example.com/mcp', auth: 'bearer', key: 'umk_live_test_0000000000', keyId: 'sha256:00000000' },
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
  bridge.hello('p');
  const frame = await bridge.next();
  await bridge.close();
  return frame.type === 'credentials';
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

  it('tightens a folder that is too open, and refuses a path that is not a socket', async () => {
    mkdirSync(join(temp.dir, 'run'), { mode: 0o755 });
    chmodSync(join(temp.dir, 'run'), 0o755);
    const agent = await start();
    expect(statSync(join(temp.dir, 'run')).mode & 0o777).toBe(0o700);
    await agent.close();
    writeFileSync(socketPath, 'not a socket');
    await expect(start()).rejects.toBeInstanceOf(AgentSocketError);
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
