// dist/agent.js as a real process: flags, refusals (one line on stderr, exit 2), the socket
// (its default, the env, --socket), protocol v2 hello → ready, a v1 hello → unsupported-version
// and never a key, another agent on the socket (exit 1), SIGTERM (exit 0, socket removed),
// and an edit to the file reaching the vendor's next request.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeVendor } from '../../support/fake-vendor';
import { stopAfterTest } from '../../support/stop-after-test';
import { until } from '../../support/until';
import { KEY_A, KEY_B, KEY_CUSTOM, makeTempDir, profilesJson, replaceProfiles, writeProfiles, type ProfileSpec, type TempDir } from './helpers';
import { connectLineClient, openSession } from './line-client';

const ROOT = resolve(__dirname, '../../..');
const AGENT = join(ROOT, 'dist/agent.js');
const KEY_A2 = 'uo_test_headless_process_rotated_dd';
const KEYS = [KEY_A, KEY_A2, KEY_B, KEY_CUSTOM];
const VERSION = (JSON.parse(execFileSync(process.execPath, ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: ROOT, encoding: 'utf8' })) as { version: string }).version;

interface AgentProcess {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  exit: Promise<number | null>;
  stop(): Promise<unknown>;
}

function spawnAgent(args: string[], env: Record<string, string | undefined> = {}): AgentProcess {
  const childEnv: Record<string, string | undefined> = { ...process.env, KEYBRIDGE_AGENT_SOCKET: undefined, ...env };
  const child = spawn(process.execPath, [AGENT, ...args], { env: childEnv as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return stopAfterTest({
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    exit,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  });
}

/** Starts the agent and waits for its "listening" line. */
async function runAgent(args: string[], env: Record<string, string | undefined> = {}): Promise<AgentProcess> {
  const agent = spawnAgent(args, env);
  let exited = false;
  void agent.exit.then(() => (exited = true));
  await until(() => exited || / listening on /.test(agent.stderr()), 'the agent to listen', 15_000);
  if (exited) throw new Error(`the agent exited: ${agent.stderr()}`);
  return agent;
}

let temp: TempDir;
let file: string;
let socketPath: string;

beforeAll(() => {
  // `npm test` builds first; build the agent here too so that this file also runs alone.
  execFileSync(process.execPath, ['scripts/build.mjs', 'agent'], { cwd: ROOT, stdio: 'inherit' });
}, 60_000);

beforeEach(() => {
  temp = makeTempDir();
  file = join(temp.dir, 'profiles.json');
  socketPath = join(temp.dir, 'run', 'agent.sock');
  // Registered first, so removed last: after the processes the test started are stopped.
  const dir = temp;
  stopAfterTest({ close: async () => dir.remove() });
});

const remote = (key: string): ProfileSpec => ({ endpoint: 'https://mcp.example.com/mcp', auth: 'bearer', key });

function expectNoKey(text: string): void {
  for (const key of KEYS) expect(text).not.toContain(key);
}

describe('flags and refusals', () => {
  it('prints help that says there are no approval prompts, and the version', async () => {
    const help = spawnAgent(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: keybridge-agent --profiles <file>/);
    expect(help.stdout()).toMatch(/No approval prompts: like ssh-agent/);
    const version = spawnAgent(['--version']);
    expect(await version.exit).toBe(0);
    expect(version.stdout()).toBe(`${VERSION}\n`);
  });

  it('exits 2 with one line for bad flags', async () => {
    for (const args of [[], ['--profiles', file, '--key', KEY_A], ['--profiles', file, '--log-level', 'loud']]) {
      const agent = spawnAgent(args);
      expect(await agent.exit).toBe(2);
      expect(agent.stderr()).toMatch(/^keybridge-agent: .+ \(see --help\)\n$/);
      expectNoKey(agent.stderr());
    }
  });

  it('exits 2 with the reason on one line for a file others may read, and does not listen', async () => {
    writeProfiles(file, profilesJson({ a: remote(KEY_A) }), 0o644);
    const agent = spawnAgent(['--profiles', file, '--socket', socketPath]);
    expect(await agent.exit).toBe(2);
    expect(agent.stderr()).toBe(`keybridge-agent: ${file} can be read or changed by other users (mode 0644); run: chmod 600 ${file}\n`);
    expect(existsSync(socketPath)).toBe(false);
  });

  it('exits 2 naming the profile for http to another machine, and for a broken file', async () => {
    writeProfiles(file, profilesJson({ a: remote(KEY_A), b: { ...remote(KEY_B), endpoint: 'http://mcp.example.com/mcp' } }));
    let agent = spawnAgent(['--profiles', file, '--socket', socketPath]);
    expect(await agent.exit).toBe(2);
    expect(agent.stderr()).toBe(
      `keybridge-agent: ${file}: profile 'b': endpoint must use https (http only for this machine: localhost, 127.0.0.0/8, ::1)\n`,
    );
    writeProfiles(file, `{"profiles": {"a": {"endpoint": "https://x.example.com/mcp", "auth": "bearer", "key": ${KEY_CUSTOM}}}}`);
    agent = spawnAgent(['--profiles', file, '--socket', socketPath]);
    expect(await agent.exit).toBe(2);
    expect(agent.stderr()).toMatch(/^keybridge-agent: .*: is not valid JSON \(unexpected character at line 1, column \d+\)\n$/);
    expectNoKey(agent.stderr());
  });
});

describe('serving', () => {
  it('answers a v2 hello with ready and a v1 hello with unsupported-version, never a key; SIGTERM exits 0 and removes the socket', async () => {
    writeProfiles(file, profilesJson({ uptime: remote(KEY_A), other: remote(KEY_CUSTOM) }));
    const agent = await runAgent(['--profiles', file, '--socket', socketPath]);
    expect(agent.stderr()).toContain(`listening on ${socketPath}; 2 profiles from ${file}: uptime, other. No approval prompts`);

    const v2 = stopAfterTest(await connectLineClient(socketPath));
    v2.hello('uptime');
    expect(await v2.next()).toEqual({ type: 'ready', v: 2, profile: 'uptime' });

    // A v1 bridge, as it spoke: a self-declared approved name and pid, asking for the key.
    const v1 = stopAfterTest(await connectLineClient(socketPath));
    v1.socket.write(`${JSON.stringify({ type: 'hello', v: 1, profile: 'uptime', client: { name: 'claude-ai', pid: process.pid }, bridge: { version: '0.1.0', pid: process.pid } })}\n`);
    const refused = await v1.next();
    expect(refused).toMatchObject({ type: 'error', code: 'unsupported-version' });
    expect(String(refused.message)).toMatch(/restart the assistant/i);
    await v1.closed;

    for (const client of [v1, v2]) expectNoKey(client.received);
    await v2.close();

    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
    expectNoKey(agent.stderr());
  });

  it('exits 0 on SIGINT and SIGHUP too, removing the socket', async () => {
    writeProfiles(file, profilesJson({ a: remote(KEY_A) }));
    for (const signal of ['SIGINT', 'SIGHUP'] as const) {
      const agent = await runAgent(['--profiles', file, '--socket', socketPath]);
      agent.child.kill(signal);
      expect(await agent.exit).toBe(0);
      expect(agent.stderr()).toContain(`${signal}: closing the agent.`);
      expect(existsSync(socketPath)).toBe(false);
    }
  });

  it('listens on the tray default socket (under $HOME), or on $KEYBRIDGE_AGENT_SOCKET', async () => {
    writeProfiles(file, profilesJson({ a: remote(KEY_A) }));
    const home = join(temp.dir, 'home');
    const byDefault = await runAgent(['--profiles', file], { HOME: home });
    const defaultSocket = join(home, '.keybridge', 'run', 'agent.sock');
    expect(byDefault.stderr()).toContain(`listening on ${defaultSocket};`);
    const client = stopAfterTest(await connectLineClient(defaultSocket));
    client.hello('a');
    expect(await client.next()).toMatchObject({ type: 'ready' });

    const envSocket = join(temp.dir, 'env', 'agent.sock');
    const byEnv = await runAgent(['--profiles', file], { HOME: home, KEYBRIDGE_AGENT_SOCKET: envSocket });
    expect(byEnv.stderr()).toContain(`listening on ${envSocket};`);
    // --socket wins over the env.
    const byFlag = await runAgent(['--profiles', file, '--socket', socketPath], { HOME: home, KEYBRIDGE_AGENT_SOCKET: envSocket });
    expect(byFlag.stderr()).toContain(`listening on ${socketPath};`);
  });

  it('exits 1 when another agent already answers on the socket, which keeps serving', async () => {
    writeProfiles(file, profilesJson({ a: remote(KEY_A) }));
    await runAgent(['--profiles', file, '--socket', socketPath]);
    const second = spawnAgent(['--profiles', file, '--socket', socketPath]);
    expect(await second.exit).toBe(1);
    expect(second.stderr()).toMatch(/^keybridge-agent: KeyBridge is already running \(another agent answers on .*\)\. Stop it first/);
    expect(second.stderr().trim().split('\n')).toHaveLength(1);
    const client = stopAfterTest(await connectLineClient(socketPath));
    client.hello('a');
    expect(await client.next()).toMatchObject({ type: 'ready' });
  });

  it('sends the key from an edited file with the next request, and logs nothing secret', async () => {
    const vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimemonitoring', keys: [KEY_B, KEY_CUSTOM] }));
    writeProfiles(file, profilesJson({ mon: { endpoint: vendor.url, auth: 'bearer', key: KEY_B } }));
    const agent = await runAgent(['--profiles', file, '--socket', socketPath, '--log-level', 'debug']);
    const client = stopAfterTest(await connectLineClient(socketPath));
    await openSession(client, 'mon');
    expect(vendor.requests.at(-1)?.authorization).toBe(`Bearer ${KEY_B}`);

    replaceProfiles(file, profilesJson({ mon: { endpoint: vendor.url, auth: 'bearer', key: KEY_CUSTOM } }));
    await until(() => agent.stderr().includes('changed: updated mon'), 'the edit applied', 5000);
    client.send({ jsonrpc: '2.0', id: 7, method: 'tools/list' });
    expect((await client.nextMatching((l) => l.id === 7)).result).toBeDefined();
    expect(vendor.requests.at(-1)?.authorization).toBe(`Bearer ${KEY_CUSTOM}`);
    expectNoKey(client.received);
    expectNoKey(agent.stderr());
  });
});
