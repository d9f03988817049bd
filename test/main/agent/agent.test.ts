// The agent (protocol v2) on a real Unix socket in a temp dir, serving a real vault (conf + test
// cipher) and carrying each bridge's MCP session to a fake vendor over real HTTP. Bridges are
// raw v2 clients on real sockets (raw-bridge.ts); who they are is what the OS says (ss + /proc),
// unless a test stands in for it. Every byte a client receives is scanned for the keys.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { copyFileSync, linkSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent, type AccessPolicy, type AccessRequest, type Agent, type AgentOptions, type CredentialSource } from '../../../src-main/agent';
import type { PeerIdentity } from '../../../src-main/agent/peer-identity';
import { createApprovalPolicy } from '../../../src-main/app/approval';
import { createVault, type SettingsService, type Vault } from '../../../src-main/vault';
import { MAX_FRAME_BYTES, type AgentToBridgeFrame } from '../../../src-shared/agent-protocol';
import type { Decision, SessionView } from '../../../src-shared/ipc-contract';
import { NO_CREDENTIALS } from '../../../src-shared/jsonrpc-errors';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { until } from '../../support/until';
import { confBackend, createTestCipher, makeTempDir, type TestCipher } from '../vault/helpers';
import { connectRawBridge, initializeSession, INITIALIZE_PARAMS, toolText, type HelloOptions, type RawBridge } from './raw-bridge';

const UO_KEY = 'uo_test_aaaaaaaaaaaa1a2b';
const UO_KEY2 = 'uo_test_bbbbbbbbbbbb3c4d';
const ROTATED = 'uo_test_cccccccccccc5e6f';
const ALL_KEYS = [UO_KEY, UO_KEY2, ROTATED];
const NODE = realpathSync(process.execPath);
const ON_LINUX_WITH_SS = process.platform === 'linux' && ['/usr/bin/ss', '/usr/sbin/ss', '/bin/ss', '/sbin/ss'].some((p) => statSync(p, { throwIfNoEntry: false }));

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let cipher: TestCipher;
let vendor: FakeVendor;
let vault: Vault;
let agent: Agent;
let bridges: RawBridge[];
let socketPath: string;
/** Profiles the agent looked up (has / credentialsFor), in order. */
let lookups: string[];

/** Rotation verifies the new key; these tests are about the agent, so every key works. */
const acceptingProbe = async () => ({ ok: true as const, serverName: 'test', serverVersion: '1', toolCount: 1, latencyMs: 1, at: new Date().toISOString() });

/** The vault as the agent's key source, recording what the agent asked it. */
function spiedSource(inner: Vault): CredentialSource {
  return {
    has: (profile) => {
      lookups.push(`has ${profile}`);
      return inner.has(profile);
    },
    credentialsFor: (profile, options) => {
      lookups.push(`credentialsFor ${profile}`);
      return inner.credentialsFor(profile, options);
    },
    onKeyEvent: (listener) => inner.onKeyEvent(listener),
  };
}

async function begin(options: Partial<Pick<AgentOptions, 'policy' | 'limits' | 'identify'>> = {}) {
  vault = await createVault({ backend: confBackend(join(temp.dir, 'store')), cipher, probe: acceptingProbe });
  await vault.add({ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY });
  await vault.add({ name: 'mcp-cursor', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key: UO_KEY2 });
  agent = await startAgent({ socketPath, credentials: spiedSource(vault), ...options });
}

async function bridge(): Promise<RawBridge> {
  const b = await connectRawBridge(socketPath);
  bridges.push(b);
  return b;
}

/** A bridge with a live session: ready, then initialize + initialized. */
async function readyBridge(profile: string, hello?: HelloOptions): Promise<RawBridge> {
  const b = await bridge();
  expect(await b.handshake(profile, hello)).toEqual({ type: 'ready', v: 2, profile });
  await initializeSession(b);
  return b;
}

const echo = async (b: RawBridge, text: string) => toolText(await b.request('tools/call', { name: 'echo', arguments: { text } }));

function expectNoKey(received: string) {
  for (const key of ALL_KEYS) expect(received).not.toContain(key);
}

beforeEach(async () => {
  temp = await makeTempDir('kb-agent-');
  socketPath = join(temp.dir, 'run', 'agent.sock');
  cipher = createTestCipher();
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: ALL_KEYS });
  bridges = [];
  lookups = [];
});
afterEach(async () => {
  for (const b of bridges) expectNoKey(b.received);
  await Promise.all(bridges.map((b) => b.close()));
  await agent?.close();
  vault?.close();
  await vendor.close();
  await temp.remove();
});

function nextSessions(a: Agent): Promise<SessionView[]> {
  return new Promise((resolve) => {
    const off = a.subscribe((sessions) => {
      off();
      resolve(sessions);
    });
  });
}

/** A policy that records every request and answers with `decide`. */
function recordingPolicy(decide: (request: AccessRequest) => 'allow' | 'deny' | Promise<'allow' | 'deny'>) {
  const asked: AccessRequest[] = [];
  const policy: AccessPolicy = async (request) => {
    asked.push(request);
    return decide(request);
  };
  return { asked, policy };
}

describe('the socket', () => {
  it('lives in an owner-only folder and is itself owner-only', async () => {
    await begin();
    expect(statSync(join(temp.dir, 'run')).mode & 0o777).toBe(0o700);
    expect(statSync(socketPath).isSocket()).toBe(true);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
  });
});

describe('hello → ready, then the session', () => {
  it('answers ready, carries the session to the vendor with exactly one auth header, and shows it live', async () => {
    await begin();
    const b = await bridge();
    const shown = nextSessions(agent);
    // Unknown fields are ignored.
    expect(await b.handshake('mcp-claude', { client: { name: 'claude-ai' }, extra: { future: { x: 1 } } })).toEqual({ type: 'ready', v: 2, profile: 'mcp-claude' });
    expect(await shown).toEqual([
      expect.objectContaining({ profile: 'mcp-claude', upstream: 'connecting', requests: 0, errors: 0, lastError: null }),
    ]);
    // Who connected is what the OS says: this very process, so the "assistant" is its parent.
    if (ON_LINUX_WITH_SS) expect(agent.sessions()[0]!.client.pid).toBe(process.ppid);

    const init = await initializeSession(b);
    expect(init).toMatchObject({ serverInfo: { name: 'fake-uptimeobserver' } });
    expect(await echo(b, 'hello upstream')).toBe('hello upstream');
    expect(vault.get('mcp-claude').lastUsedAt).not.toBeNull();
    for (const r of vendor.requests) expect([r.xApiKey, r.authorization]).toEqual([UO_KEY, undefined]);
    await expect.poll(() => agent.sessions()[0]).toMatchObject({ upstream: 'ok', requests: 2, errors: 0 });

    const gone = nextSessions(agent);
    await b.close();
    expect(await gone).toEqual([]);
    // The upstream session was ended (DELETE).
    await until(() => vendor.requests.some((r) => r.method === 'DELETE'), 'the DELETE');
  });

  it('a bridge that half-closes gets its outstanding answers, then the agent ends the upstream session and closes', async () => {
    await begin();
    const b = await readyBridge('mcp-claude');
    vendor.delayMs = 300;
    b.send({ jsonrpc: '2.0', id: 'last', method: 'tools/call', params: { name: 'echo', arguments: { text: 'before the end' } } });
    await until(() => vendor.requests.some((r) => r.rpcIds.includes('last')), 'the request upstream');
    b.socket.end();
    const answer = await b.nextMatching((line) => line.id === 'last');
    expect(toolText(answer)).toBe('before the end');
    await b.closed;
    expect(vendor.requests.at(-1)?.method).toBe('DELETE');
  });

  it('resume: re-initializes upstream with the assistant\'s own setup before anything else, and answers none of it', async () => {
    await begin();
    const b = await bridge();
    const resume = {
      initialize: { jsonrpc: '2.0' as const, id: 0, method: 'initialize', params: INITIALIZE_PARAMS },
      initialized: true,
      logLevel: { jsonrpc: '2.0' as const, id: 5, method: 'logging/setLevel', params: { level: 'warning' } },
      subscriptions: ['fake://status'],
    };
    expect(await b.handshake('mcp-claude', { resume })).toMatchObject({ type: 'ready' });
    expect(await echo(b, 'carried on')).toBe('carried on');
    const methods = vendor.requests.filter((r) => r.method === 'POST').flatMap((r) => r.rpcMethods);
    expect(methods).toEqual(['initialize', 'notifications/initialized', 'logging/setLevel', 'resources/subscribe', 'tools/call']);
    // The replays' answers went nowhere: the only line is the echo's answer.
    expect(b.pending).toEqual([]);
    expect(b.received.trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('refusals', () => {
  it('a v1 hello gets unsupported-version telling the user to restart the assistant, and no key', async () => {
    const { asked, policy } = recordingPolicy(() => 'allow');
    await begin({ policy });
    const b = await bridge();
    b.write(`${JSON.stringify({ type: 'hello', v: 1, profile: 'mcp-claude', client: { name: 'Claude', pid: process.pid }, bridge: { version: '0.1.0', pid: 4243 } })}\n`);
    const frame = await b.frame();
    expect(frame).toMatchObject({ type: 'error', code: 'unsupported-version' });
    expect((frame as { message: string }).message).toMatch(/Restart the assistant/);
    await b.closed;
    expect(asked).toEqual([]);
    expect(lookups).toEqual([]);
    expect(b.received.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a hello from a newer bridge gets unsupported-version too, saying KeyBridge is the older side', async () => {
    await begin();
    const b = await bridge();
    b.hello('mcp-claude', { v: 3 });
    const frame = await b.frame();
    expect(frame).toMatchObject({ type: 'error', code: 'unsupported-version' });
    expect((frame as { message: string }).message).toMatch(/Restart KeyBridge/);
    await b.closed;
  });

  it('before approval, an unknown profile and a denied one answer alike: the policy is asked first, no key is looked up', async () => {
    const { asked, policy } = recordingPolicy(() => 'deny');
    await begin({ policy });
    const answers: AgentToBridgeFrame[] = [];
    for (const profile of ['nobody', 'mcp-claude']) {
      const b = await bridge();
      answers.push(await b.handshake(profile, { client: { name: 'claude-ai' } }));
      await b.closed;
    }
    expect(answers[0]).toMatchObject({ type: 'error', code: 'denied' });
    expect(answers[1]).toEqual({ ...answers[0], message: (answers[0] as { message: string }).message.replace("'nobody'", "'mcp-claude'") });
    expect(asked.map((r) => r.profile)).toEqual(['nobody', 'mcp-claude']);
    expect(lookups).toEqual([]);
  });

  it('after approval: unknown-profile, a paused profile, and locked while the keychain is unavailable', async () => {
    await begin();
    const answer = async (profile: string) => {
      const b = await bridge();
      const frame = await b.handshake(profile);
      if (frame.type === 'error') await b.closed;
      return frame;
    };
    expect(await answer('nobody')).toMatchObject({ type: 'error', code: 'unknown-profile', message: expect.stringContaining("no key named 'nobody'") });
    await vault.setPaused('mcp-cursor', true);
    expect(await answer('mcp-cursor')).toMatchObject({ type: 'error', code: 'denied', message: expect.stringContaining('paused') });
    cipher.available = false;
    expect(await answer('mcp-claude')).toMatchObject({ type: 'error', code: 'locked' });
    cipher.available = true;
    expect(await answer('mcp-claude')).toMatchObject({ type: 'ready' });
  });

  it('bad-request for a malformed, over-long, premature or repeated hello; the connection is closed each time', async () => {
    // The user answers the prompt only at the end of the test: however the two pipelined hellos
    // arrive, the first is still being answered when the second comes.
    let answerPrompt: () => void = () => undefined;
    const prompt = new Promise<void>((resolve) => (answerPrompt = resolve));
    const { policy } = recordingPolicy(async () => {
      await prompt;
      return 'allow' as const;
    });
    await begin({ policy });
    const answer = async (text: string) => {
      const b = await bridge();
      b.write(text);
      const frame = await b.frame();
      await b.closed;
      return frame;
    };
    expect(await answer('not json\n')).toEqual({ type: 'error', code: 'bad-request', message: 'Malformed frame (not JSON).' });
    expect(await answer('[1,2]\n')).toMatchObject({ code: 'bad-request', message: expect.stringContaining('not a JSON object') });
    expect(await answer('{"type":"telemetry","x":1}\n')).toEqual({ type: 'error', code: 'bad-request', message: 'Say hello first.' });
    expect(await answer('{"jsonrpc":"2.0","id":1,"method":"initialize"}\n')).toMatchObject({ code: 'bad-request' });
    expect(await answer('{"type":"hello","v":2,"profile":"bad name!","bridge":{"version":"1"}}\n')).toMatchObject({ code: 'bad-request', message: expect.stringContaining('profile') });
    expect(await answer('{"type":"hello","v":2,"profile":"mcp-claude"}\n')).toMatchObject({ code: 'bad-request', message: expect.stringContaining('bridge') });
    // Blank lines before the hello are fine; a line longer than a control frame is not, with
    // or without its newline.
    const huge = JSON.stringify({ type: 'hello', v: 2, profile: 'mcp-claude', bridge: { version: '1' }, client: { name: 'x'.repeat(MAX_FRAME_BYTES) } });
    expect(await answer(`\n\n${huge}\n`)).toMatchObject({ code: 'bad-request', message: expect.stringContaining('too long') });
    expect(await answer('y'.repeat(MAX_FRAME_BYTES + 10))).toMatchObject({ code: 'bad-request', message: expect.stringContaining('too long') });
    // Messages pipelined before ready: one hello, then wait.
    const hello = JSON.stringify({ type: 'hello', v: 2, profile: 'mcp-claude', bridge: { version: '1' } });
    expect(await answer(`${hello}\n${hello}\n`)).toEqual({ type: 'error', code: 'bad-request', message: 'Send one hello, then wait for ready.' });
    answerPrompt();
  });
});

describe('who is asking: the OS, not the hello', () => {
  // A client in its own process, started by an "assistant" process (`exe`): connects, sends
  // `hello`, and if ready, initialize; prints everything it received as one JSON string.
  const CLIENT = `
    const socket = require('node:net').connect(process.argv[1]);
    let got = '';
    let asked = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(process.argv[2] + '\\n'));
    socket.on('data', (d) => {
      got += d;
      if (!asked && got.includes('"type":"ready"')) {
        asked = true;
        socket.write(JSON.stringify({ jsonrpc: '2.0', id: 'c1', method: 'initialize', params: ${JSON.stringify(INITIALIZE_PARAMS)} }) + '\\n');
      }
      if (got.includes('"id":"c1"')) socket.end();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => { process.stdout.write(JSON.stringify(got)); process.exit(0); });`;
  const LAUNCHER = `
    const child = require('node:child_process').spawn(process.argv[1], ['-e', process.argv[2], ...process.argv.slice(3)], { stdio: ['ignore', 'inherit', 'inherit'] });
    console.error('launcher ' + process.pid);
    child.on('exit', (code) => process.exit(code ?? 1));`;

  /** Runs the client under an assistant process `exe`; resolves with the assistant's pid and what the client received. */
  function runClient(exe: string, hello: Record<string, unknown>): Promise<{ assistantPid: number; received: string }> {
    return new Promise((resolve, reject) => {
      const assistant = spawn(exe, ['-e', LAUNCHER, NODE, CLIENT, socketPath, JSON.stringify(hello)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      assistant.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      assistant.stderr.resume();
      assistant.on('error', reject);
      assistant.on('exit', () => {
        try {
          resolve({ assistantPid: assistant.pid!, received: JSON.parse(out) as string });
        } catch {
          reject(new Error(`client printed ${out}`));
        }
      });
    });
  }

  /** A copy of node at a path that reads as Claude Desktop (a hard link where possible). */
  function fakeClaudeDesktop(): string {
    const path = join(temp.dir, 'claude-desktop');
    try {
      linkSync(NODE, path);
    } catch {
      copyFileSync(NODE, path);
    }
    return path;
  }

  function memoryDecisions(remembered: Decision[]): SettingsService['decisions'] {
    const list = [...remembered];
    return {
      list: () => list,
      find: (client, profile) => list.find((d) => d.client === client && d.profile === profile)?.decision ?? null,
      remember: (client, profile, decision) => void list.push({ client, profile, decision, at: 'now' }),
      forget: () => undefined,
      subscribe: () => () => undefined,
    };
  }

  it.runIf(ON_LINUX_WITH_SS)(
    'a hello that claims an approved name, another pid or the agent\'s own pid gains nothing; the approved app\'s bridge is served',
    async () => {
      const claude = fakeClaudeDesktop();
      const asked: AccessRequest[] = [];
      // The tray's policy: the user pressed "Always allow" for Claude Desktop and 'mcp-claude';
      // anyone else is asked, and the user says no.
      const approval = createApprovalPolicy({
        decisions: memoryDecisions([{ client: claude, profile: 'mcp-claude', decision: 'allow', at: 'then' }]),
        enabled: () => true,
        ask: async (request) => {
          asked.push(request);
          // Esc: denied this time, not remembered, so each impostor is asked about.
          return 'dismiss';
        },
        onAsk: () => undefined,
        onDecided: () => undefined,
      });
      await begin({ policy: async (request) => ((await approval(request)) ? 'allow' : 'deny') });

      const hello = (client: Record<string, unknown>, bridgeInfo: Record<string, unknown> = { version: '0.2.0' }) => ({ type: 'hello', v: 2, profile: 'mcp-claude', bridge: bridgeInfo, client });
      const approved = await runClient(claude, hello({ name: 'claude-ai' }));
      expect(approved.received).toContain('"type":"ready"');
      expect(approved.received).toContain('fake-uptimeobserver');
      expect(asked).toEqual([]);

      const claims = [
        hello({ name: 'claude-ai' }),
        hello({ name: 'Claude Desktop', pid: approved.assistantPid }, { version: '0.2.0', pid: approved.assistantPid }),
        hello({ name: 'claude-ai', pid: process.pid }, { version: '0.2.0', pid: process.pid }),
      ];
      for (const claim of claims) {
        const impostor = await runClient(NODE, claim);
        expect(impostor.received).toMatch(/^\{"type":"error","code":"denied"/);
        expect(impostor.received).not.toContain('fake-uptimeobserver');
        expectNoKey(impostor.received);
        // The request the user saw names the process the OS found, not the one claimed.
        expect(asked.at(-1)!.client).toEqual({
          name: 'node',
          verified: true,
          exe: NODE,
          pid: impostor.assistantPid,
          claimedName: claim.client.name,
        });
      }
      expect(asked).toHaveLength(3);
      expectNoKey(approved.received);
    },
    20_000,
  );

  it('the identity comes from identify; with none verified, the client is unverified whatever its hello says', async () => {
    const identities: PeerIdentity[] = [{ verified: false, reason: 'the OS did not say' }];
    const { asked, policy } = recordingPolicy((request) => (request.client.verified ? 'allow' : 'deny'));
    await begin({ policy, identify: async () => identities[0]! });
    const b = await bridge();
    const frame = await b.handshake('mcp-claude', { client: { name: 'claude-ai\u001b[2J\nline two', pid: process.pid }, bridge: { version: '1', pid: process.pid } });
    expect(frame).toMatchObject({ type: 'error', code: 'denied' });
    expect(asked[0]!.client).toEqual({ name: 'claude-ai [2J line two (unverified)', verified: false, exe: null, pid: null, claimedName: 'claude-ai [2J line two' });

    identities[0] = { verified: true, peer: { pid: 4321, exe: '/usr/bin/node' }, parent: { pid: 1234, exe: '/usr/share/cursor/cursor' } };
    const c = await bridge();
    expect(await c.handshake('mcp-claude', { client: { name: 'x'.repeat(150) } })).toMatchObject({ type: 'ready' });
    expect(asked[1]!.client).toEqual({ name: 'Cursor', verified: true, exe: '/usr/share/cursor/cursor', pid: 1234, claimedName: `${'x'.repeat(79)}…` });
    await expect.poll(() => agent.sessions()[0]?.client).toEqual({ name: 'Cursor', pid: 1234 });
  });
});

describe('one-time tokens (Test connection)', () => {
  it('skips the policy once, only for its profile, and is spent after one use', async () => {
    const { asked, policy } = recordingPolicy(() => 'deny');
    await begin({ policy });
    const token = agent.issueToken('mcp-claude');
    const first = await readyBridge('mcp-claude', { token });
    expect(asked).toEqual([]);
    expect(await echo(first, 'tested')).toBe('tested');
    // Not an assistant's session, and not a use of the key by an assistant.
    expect(agent.sessions()).toEqual([]);
    expect(vault.get('mcp-claude').lastUsedAt).toBeNull();

    const again = await bridge();
    expect(await again.handshake('mcp-claude', { token })).toMatchObject({ type: 'error', code: 'denied' });
    expect(asked).toHaveLength(1);

    const forClaude = agent.issueToken('mcp-claude');
    const elsewhere = await bridge();
    expect(await elsewhere.handshake('mcp-cursor', { token: forClaude })).toMatchObject({ type: 'error', code: 'denied' });
    // Tried on the wrong profile: spent all the same.
    const late = await bridge();
    expect(await late.handshake('mcp-claude', { token: forClaude })).toMatchObject({ type: 'error', code: 'denied' });

    const made = await bridge();
    expect(await made.handshake('mcp-claude', { token: 'f'.repeat(48) })).toMatchObject({ type: 'error', code: 'denied' });
    expect(asked.map((r) => r.profile)).toEqual(['mcp-claude', 'mcp-cursor', 'mcp-claude', 'mcp-claude']);
  });
});

describe('keys change while sessions run', () => {
  it('rotation: the next request carries the new key; no frame reaches the bridge', async () => {
    await begin();
    const claude = await readyBridge('mcp-claude');
    const cursor = await readyBridge('mcp-cursor');
    expect(await echo(claude, 'old')).toBe('old');
    await vault.rotate('mcp-claude', ROTATED);
    expect(claude.pending).toEqual([]);
    const before = vendor.requests.length;
    expect(await echo(claude, 'new')).toBe('new');
    expect(await echo(cursor, 'other')).toBe('other');
    const after = vendor.requests.slice(before);
    expect(after.find((r) => r.rpcMethods.includes('tools/call') && r.xApiKey === ROTATED)).toBeDefined();
    expect(after.filter((r) => r.xApiKey === UO_KEY)).toEqual([]);
    expect(after.filter((r) => r.xApiKey === UO_KEY2)).toHaveLength(1);
    await vault.rollback('mcp-claude');
    expect(await echo(claude, 'back')).toBe('back');
    expect(vendor.requests.at(-1)?.xApiKey).toBe(UO_KEY);
  });

  it("removing a profile ends its sessions' outstanding and later requests with a clear -32001; other profiles carry on", async () => {
    await begin();
    const claude = await readyBridge('mcp-claude');
    const cursor = await readyBridge('mcp-cursor');
    vendor.delayMs = 400;
    claude.send({ jsonrpc: '2.0', id: 'inflight', method: 'tools/call', params: { name: 'echo', arguments: { text: 'slow' } } });
    await until(() => vendor.requests.some((r) => r.rpcIds.includes('inflight')), 'the request upstream');
    await vault.remove('mcp-claude');
    const removed = { code: NO_CREDENTIALS, message: "The key for 'mcp-claude' was removed in KeyBridge.", data: { profile: 'mcp-claude' } };
    expect(await claude.next()).toEqual({ jsonrpc: '2.0', id: 'inflight', error: removed });
    expect(await claude.request('tools/list')).toMatchObject({ error: removed });
    // The vendor's late answer to the request already answered is not passed on.
    await until(() => vendor.requests.find((r) => r.rpcIds.includes('inflight'))!.status === 200, 'the late answer');
    vendor.delayMs = 0;
    expect(await echo(cursor, 'unaffected')).toBe('unaffected');
    expect(await claude.request('ping')).toMatchObject({ error: removed });
    expect(claude.pending).toEqual([]);
    expect(claude.isClosed).toBe(false);
  });

  it('pausing answers -32001 until the profile is resumed, then the session carries on', async () => {
    await begin();
    const b = await readyBridge('mcp-claude');
    await vault.setPaused('mcp-claude', true);
    expect(await b.request('tools/call', { name: 'echo', arguments: { text: 'paused' } })).toMatchObject({
      error: { code: NO_CREDENTIALS, message: expect.stringContaining('paused'), data: { profile: 'mcp-claude' } },
    });
    const calls = vendor.requests.length;
    await vault.setPaused('mcp-claude', false);
    expect(vendor.requests.length).toBe(calls);
    expect(await echo(b, 'resumed')).toBe('resumed');
  });
});

describe('load and hostile or broken peers', () => {
  it('serves 50 bridges at once, each its own session; a rotation reaches every session of that profile', async () => {
    await begin();
    const many = await Promise.all(Array.from({ length: 50 }, () => bridge()));
    const profileOf = (i: number) => (i % 2 ? 'mcp-claude' : 'mcp-cursor');
    const frames = await Promise.all(many.map((b, i) => b.handshake(profileOf(i), { client: { name: `client-${i}` } })));
    frames.forEach((f, i) => expect(f).toEqual({ type: 'ready', v: 2, profile: profileOf(i) }));
    await expect.poll(() => agent.sessions().length).toBe(50);
    expect(new Set(agent.sessions().map((s) => s.id)).size).toBe(50);
    await Promise.all(many.map((b) => initializeSession(b)));
    expect(await Promise.all(many.map((b, i) => echo(b, `b${i}`)))).toEqual(many.map((_, i) => `b${i}`));
    expect(vendor.sessionIds).toHaveLength(50);

    await vault.rotate('mcp-claude', ROTATED);
    const before = vendor.requests.length;
    expect(await Promise.all(many.map((b, i) => echo(b, `r${i}`)))).toEqual(many.map((_, i) => `r${i}`));
    const keysUsed = vendor.requests.slice(before).map((r) => r.xApiKey);
    expect(keysUsed.filter((k) => k === ROTATED)).toHaveLength(25);
    expect(keysUsed.filter((k) => k === UO_KEY2)).toHaveLength(25);
    expect(keysUsed.filter((k) => k === UO_KEY)).toHaveLength(0);
  });

  it('drops a bridge that stops reading, and one that never says hello; others are unaffected', async () => {
    await begin({ limits: { maxBufferedBytes: 16 * 1024, helloTimeoutMs: 300 } });
    const good = await readyBridge('mcp-claude');

    const silent = await bridge();
    const slow = await readyBridge('mcp-cursor');
    // Stops reading, and keeps sending lines the agent answers (parse errors) until dropped.
    slow.socket.pause();
    const junk = 'garbage\n'.repeat(2000);
    for (let i = 0; i < 100 && !slow.isClosed; i++) {
      slow.write(junk);
      await new Promise((r) => setImmediate(r));
    }
    await slow.closed;
    await silent.closed;

    const halfway = await bridge();
    halfway.write('{"type":"hello","v":2,"profile":"mcp-cl');
    await halfway.close();

    await expect.poll(() => agent.connectionCount()).toBe(1);
    expect(await echo(good, 'still served')).toBe('still served');
    expect(agent.sessions().map((s) => s.profile)).toEqual(['mcp-claude']);
  });

  it('a refused peer that keeps its side open is dropped, not kept holding a connection', async () => {
    await begin();
    const peer = connect({ path: socketPath, allowHalfOpen: true });
    peer.on('error', () => undefined);
    let got = '';
    peer.setEncoding('utf8').on('data', (d: string) => (got += d));
    const ended = new Promise<void>((r) => peer.once('end', () => r()));
    const closed = new Promise<void>((r) => peer.once('close', () => r()));
    peer.write('not json\n');
    await ended;
    expect(got).toContain('"code":"bad-request"');
    // The peer says nothing more and never closes: the agent lets go of the connection soon after.
    await expect.poll(() => agent.connectionCount(), { timeout: 5000 }).toBe(0);
    expect(got.trimEnd().split('\n')).toHaveLength(1);
    peer.destroy();
    await closed;
  });

  it('answers lines that are not JSON-RPC after ready, and a second hello, without closing', async () => {
    await begin();
    const b = await readyBridge('mcp-claude');
    b.send('not json');
    expect(await b.next()).toMatchObject({ id: null, error: { code: -32700 } });
    b.send({ type: 'hello', v: 2, profile: 'mcp-cursor', bridge: { version: '1' } });
    expect(await b.next()).toMatchObject({ id: null, error: { code: -32600 } });
    b.send([{ jsonrpc: '2.0', id: 'a', method: 'ping' }, { nope: true }]);
    const lines = [await b.next(), await b.next()];
    expect(lines).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'a', result: {} }), expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32600 }) })]));
    expect(await echo(b, 'fine')).toBe('fine');
  });
});
