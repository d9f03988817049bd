// The agent's side of one bridge connection and its session (src-main/agent/bridge-connection.ts,
// bridge-session.ts), through the real agent on a real Unix socket in a temp dir, a real fake
// vendor over HTTP, and a key source in this test's memory. Who connected is fixed by the test
// (identify), so that what the user is told (refusal frames, the activity log, the session view)
// can be asserted word for word. Each test waits for an event or a state, never for a time.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent, type AccessRequest, type Agent, type AgentActivity, type AgentOptions, type CredentialSource, type CredentialsLookup, type KeyEvent, type KeyEventListener } from '../../../src-main/agent';
import type { PeerIdentity } from '../../../src-main/agent/peer-identity';
import { MAX_MESSAGE_CHARS } from '../../../src-shared/agent-protocol';
import { INVALID_REQUEST, NO_CREDENTIALS, PARSE_ERROR } from '../../../src-shared/jsonrpc-errors';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { until } from '../../support/until';
import { connectRawBridge, initializeSession, toolText, type RawBridge } from '../../main/agent/raw-bridge';

const KEY = 'uo_test_aaaaaaaaaaaa1a2b';
const NEW_KEY = 'uo_test_cccccccccccc5e6f';
/** What the OS says in most tests: a bridge (node) started by Cursor. */
const CURSOR: PeerIdentity = { verified: true, peer: { pid: 4321, exe: '/usr/bin/node' }, parent: { pid: 1234, exe: '/usr/share/cursor/cursor' } };

let dir: string;
let socketPath: string;
let vendor: FakeVendor;
let agent: Agent | null;
let bridges: RawBridge[];
let activity: AgentActivity[];
/** Every credentials lookup: the profile and whether the use is to be recorded. */
let lookups: { profile: string; record: boolean | undefined }[];
/** Profiles the source knows, and what a lookup answers for each. */
let profiles: Map<string, () => CredentialsLookup | Promise<CredentialsLookup>>;
let listeners: Set<KeyEventListener>;

const credentials = (key = KEY) => ({ ok: true as const, credentials: { endpoint: vendor.url, auth: 'x-api-key' as const, key, keyId: `sha256:test-${key.slice(-4)}` } });

const source: CredentialSource = {
  has: (profile) => profiles.has(profile),
  async credentialsFor(profile, options) {
    lookups.push({ profile, record: options?.record });
    const answer = profiles.get(profile);
    return answer ? answer() : { ok: false, code: 'unknown-profile', message: 'no such profile' };
  },
  onKeyEvent(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

const emit = async (event: KeyEvent) => {
  await Promise.all([...listeners].map(async (listener) => listener(event)));
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-conn-mk-'));
  socketPath = join(dir, 'agent.sock');
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY, NEW_KEY] });
  agent = null;
  bridges = [];
  activity = [];
  lookups = [];
  profiles = new Map([['p', () => credentials()]]);
  listeners = new Set();
});
afterEach(async () => {
  for (const b of bridges) {
    expect(b.received).not.toContain(KEY);
    expect(b.received).not.toContain(NEW_KEY);
  }
  await Promise.all(bridges.map((b) => b.close()));
  await agent?.close();
  await vendor.close();
  await rm(dir, { recursive: true, force: true });
});

async function begin(options: Partial<AgentOptions> = {}): Promise<Agent> {
  agent = await startAgent({ socketPath, credentials: source, identify: async () => CURSOR, onActivity: (event) => activity.push(event), ...options });
  return agent;
}

async function bridge(): Promise<RawBridge> {
  const b = await connectRawBridge(socketPath);
  bridges.push(b);
  return b;
}

async function readyBridge(profile = 'p'): Promise<RawBridge> {
  const b = await bridge();
  expect(await b.handshake(profile)).toEqual({ type: 'ready', v: 2, profile });
  await initializeSession(b);
  return b;
}

/** A deferred answer: the test decides when a policy, identify or lookup returns. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const running = (): Agent => {
  if (!agent) throw new Error('no agent');
  return agent;
};

describe('refusals tell the user who, which key and what to do', () => {
  it('denied: the frame names the app and the key; the activity log names its pid', async () => {
    const asked: AccessRequest[] = [];
    await begin({
      policy: async (request) => {
        asked.push(request);
        return request.profile === 'p' ? 'deny' : 'allow';
      },
    });
    const b = await bridge();
    expect(await b.handshake('p', { client: { name: 'claude-ai' } })).toEqual({
      type: 'error',
      code: 'denied',
      message: "KeyBridge did not allow Cursor to use the key 'p'. Open KeyBridge to allow it.",
    });
    await b.closed;
    expect(asked).toEqual([{ profile: 'p', client: { name: 'Cursor', verified: true, exe: '/usr/share/cursor/cursor', pid: 1234, claimedName: 'claude-ai' } }]);
    expect(activity).toEqual([{ level: 'warning', profile: null, message: "Refused Cursor (pid 1234) the key 'p'." }]);
    expect(lookups).toEqual([]);
  });

  it('unknown-profile after approval, with what to do', async () => {
    await begin();
    const b = await bridge();
    expect(await b.handshake('nobody')).toEqual({
      type: 'error',
      code: 'unknown-profile',
      message: "KeyBridge has no key named 'nobody'. Add it in KeyBridge, or fix the name in the assistant's config.",
    });
    await b.closed;
    expect(activity).toEqual([{ level: 'warning', profile: null, message: "Cursor (pid 1234) asked for 'nobody', which does not exist." }]);
    expect(lookups).toEqual([]);
  });

  it('a key that cannot be used: the source\'s code and message, and the profile in the activity log', async () => {
    profiles.set('locked', () => ({ ok: false, code: 'locked', message: 'The keychain is locked; unlock it and try again.' }));
    await begin();
    const b = await bridge();
    expect(await b.handshake('locked')).toEqual({ type: 'error', code: 'locked', message: 'The keychain is locked; unlock it and try again.' });
    await b.closed;
    expect(activity).toEqual([
      { level: 'warning', profile: 'locked', message: "Cursor (pid 1234) could not use 'locked': The keychain is locked; unlock it and try again." },
    ]);
  });

  it('a policy that fails refuses, as a denial', async () => {
    await begin({ policy: () => Promise.reject(new Error('the prompt crashed')) });
    const b = await bridge();
    expect(await b.handshake('p')).toMatchObject({ type: 'error', code: 'denied' });
    await b.closed;
    expect(lookups).toEqual([]);
  });

  it('a hello that cannot be answered is refused as bad-request, and the reason goes to the activity log', async () => {
    const failures: unknown[] = [new Error('no /proc here'), 'a plain string'];
    // Fails once the hello is in: the agent awaits the answer only then.
    const identify = (socket: Socket) =>
      new Promise<PeerIdentity>((_resolve, reject) => {
        const failure = failures.shift();
        socket.once('data', () => setImmediate(() => reject(failure)));
      });
    await begin({ identify });
    for (const reason of ['no /proc here', 'a plain string']) {
      const b = await bridge();
      expect(await b.handshake('p')).toEqual({ type: 'error', code: 'bad-request', message: 'KeyBridge could not answer this hello.' });
      await b.closed;
      expect(activity.at(-1)).toEqual({ level: 'error', profile: null, message: `Answering a hello failed: ${reason}` });
    }
    expect(lookups).toEqual([]);
  });

  it('an older bridge is told to restart the assistant, a newer one to restart KeyBridge, in so many words', async () => {
    await begin();
    const older = await bridge();
    expect(await older.handshake('p', { v: 1 })).toEqual({
      type: 'error',
      code: 'unsupported-version',
      message: 'This MCP server entry runs an older KeyBridge bridge (protocol v1); KeyBridge now speaks v2. Restart the assistant so that it starts the new bridge.',
    });
    const newer = await bridge();
    expect(await newer.handshake('p', { v: 3 })).toEqual({
      type: 'error',
      code: 'unsupported-version',
      message: 'This MCP server entry runs a newer KeyBridge bridge (protocol v3) than the KeyBridge running (v2). Restart KeyBridge so that the updated version runs.',
    });
    await Promise.all([older.closed, newer.closed]);
    // One frame each: a hello after a refused version is not answered again.
    expect(older.received.trimEnd().split('\n')).toHaveLength(1);
  });

  it('lines of spaces before the hello are skipped', async () => {
    await begin();
    const b = await bridge();
    b.write(' \t \n   \n');
    expect(await b.handshake('p')).toEqual({ type: 'ready', v: 2, profile: 'p' });
  });

  it('a line after a refused version gets no second frame', async () => {
    await begin();
    const b = await bridge();
    b.write(`${JSON.stringify({ type: 'hello', v: 1, profile: 'p', bridge: { version: '1' } })}\n{"type":"hello"}\n`);
    expect(await b.frame()).toMatchObject({ code: 'unsupported-version' });
    await b.closed;
    expect(b.received.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('a refused connection is done', () => {
  it('a hello after a refusal, in the same write, is not read: no prompt, no key looked up', async () => {
    const asked: AccessRequest[] = [];
    await begin({
      policy: async (request) => {
        asked.push(request);
        return 'allow';
      },
    });
    const hello = JSON.stringify({ type: 'hello', v: 2, profile: 'p', bridge: { version: '1' } });
    for (const refused of ['not json', '{"type":"telemetry"}', JSON.stringify({ type: 'hello', v: 1, profile: 'p', bridge: { version: '1' } })]) {
      const b = await bridge();
      b.write(`${refused}\n${hello}\n`);
      expect(await b.frame()).toMatchObject({ type: 'error' });
      await b.closed;
      expect(b.received.trimEnd().split('\n')).toHaveLength(1);
    }
    // And a frame too long, then a hello.
    const long = await bridge();
    long.write(`${'y'.repeat(70 * 1024)}\n${hello}\n`);
    expect(await long.frame()).toMatchObject({ code: 'bad-request', message: 'Frame too long (over 65536 bytes).' });
    await long.closed;
    await until(() => running().connectionCount() === 0, 'the connections closed');
    // A later, good connection is answered: the refused ones' hellos would have come first.
    const good = await bridge();
    expect(await good.handshake('p')).toMatchObject({ type: 'ready' });
    expect(asked).toHaveLength(1);
    expect(lookups).toHaveLength(1);
  });
});

describe('the record of a key\'s use', () => {
  it('an assistant\'s hello records the use; Test connection\'s one-time token does not', async () => {
    await begin({ policy: async () => 'deny' });
    const token = running().issueToken('p');
    const tested = await bridge();
    expect(await tested.handshake('p', { token })).toMatchObject({ type: 'ready' });
    expect(lookups).toEqual([{ profile: 'p', record: false }]);

    await running().close();
    await begin();
    const assistant = await bridge();
    expect(await assistant.handshake('p')).toMatchObject({ type: 'ready' });
    expect(lookups.at(-1)).toEqual({ profile: 'p', record: true });
  });

  it('a hello without a token is judged by the policy, tokens issued or not', async () => {
    const asked: AccessRequest[] = [];
    await begin({
      policy: async (request) => {
        asked.push(request);
        return 'allow';
      },
    });
    running().issueToken('p');
    const b = await bridge();
    expect(await b.handshake('p')).toEqual({ type: 'ready', v: 2, profile: 'p' });
    expect(asked).toHaveLength(1);
    expect(lookups).toEqual([{ profile: 'p', record: true }]);
  });

  it('a key change is looked up without recording a use', async () => {
    await begin();
    await readyBridge();
    await emit({ type: 'credentials', profile: 'p' });
    expect(lookups).toEqual([
      { profile: 'p', record: true },
      { profile: 'p', record: false },
    ]);
  });
});

describe('a connection that closes while its hello is being answered', () => {
  it('while the OS is asked: the policy is not asked', async () => {
    const identity = deferred<PeerIdentity>();
    const asked: AccessRequest[] = [];
    await begin({ identify: () => identity.promise, policy: async (request) => {
        asked.push(request);
        return 'allow';
      },
    });
    const b = await bridge();
    b.hello('p');
    await until(() => running().connectionCount() === 1, 'the connection');
    await b.close();
    await until(() => running().connectionCount() === 0, 'the connection closed');
    identity.resolve(CURSOR);
    // The policy would be asked right after identify: a second, later connection's answer
    // comes after whatever the first one would have done.
    await identity.promise;
    const later = await bridge();
    expect(await later.handshake('p')).toMatchObject({ type: 'ready' });
    expect(asked).toHaveLength(1);
    expect(activity.filter((event) => event.level !== 'info')).toEqual([]);
  });

  it('while the user decides: no refusal is logged, no key is looked up', async () => {
    const decisions = [deferred<'allow' | 'deny'>(), deferred<'allow' | 'deny'>()];
    const asked: AccessRequest[] = [];
    await begin({
      policy: (request) => {
        asked.push(request);
        return decisions[asked.length - 1]!.promise;
      },
    });
    const denied = await bridge();
    denied.hello('p');
    const allowed = await bridge();
    allowed.hello('p');
    await until(() => asked.length === 2, 'both prompts');
    await Promise.all([denied.close(), allowed.close()]);
    await until(() => running().connectionCount() === 0, 'the connections closed');
    decisions[0]!.resolve('deny');
    decisions[1]!.resolve('allow');
    // A third connection, refused for a profile the source lacks, runs through the same steps.
    const after = await bridge();
    decisions.push(deferred());
    decisions[2]!.resolve('allow');
    expect(await after.handshake('nobody')).toMatchObject({ code: 'unknown-profile' });
    expect(activity).toEqual([{ level: 'warning', profile: null, message: "Cursor (pid 1234) asked for 'nobody', which does not exist." }]);
    expect(lookups).toEqual([]);
  });

  it('while the key is looked up: no session is opened', async () => {
    const lookup = deferred<CredentialsLookup>();
    profiles.set('slow', () => lookup.promise);
    profiles.set('refused', () => ({ ok: false, code: 'locked', message: 'locked' }));
    await begin();
    const b = await bridge();
    b.hello('slow');
    await until(() => lookups.length === 1, 'the lookup');
    await b.close();
    await until(() => running().connectionCount() === 0, 'the connection closed');
    lookup.resolve(credentials());
    const after = await bridge();
    expect(await after.handshake('refused')).toMatchObject({ code: 'locked' });
    expect(activity.map((event) => event.message)).toEqual(["Cursor (pid 1234) could not use 'refused': locked"]);
    expect(running().sessions()).toEqual([]);
  });

  it('a failed lookup for a connection already gone is not logged', async () => {
    const lookup = deferred<CredentialsLookup>();
    profiles.set('slow', () => lookup.promise);
    await begin();
    const b = await bridge();
    b.hello('slow');
    await until(() => lookups.length === 1, 'the lookup');
    await b.close();
    await until(() => running().connectionCount() === 0, 'the connection closed');
    lookup.resolve({ ok: false, code: 'locked', message: 'locked' });
    const after = await bridge();
    expect(await after.handshake('nobody')).toMatchObject({ code: 'unknown-profile' });
    expect(activity.map((event) => event.message)).toEqual(["Cursor (pid 1234) asked for 'nobody', which does not exist."]);
  });
});

describe('the hello timer', () => {
  it('spares a bridge that said hello in time and is still waiting for its answer', async () => {
    const decision = deferred<'allow' | 'deny'>();
    await begin({ policy: () => decision.promise, limits: { helloTimeoutMs: 150 } });
    const b = await bridge();
    b.hello('p');
    // Connected after b: dropped by its own timer after b's has fired.
    const silent = await bridge();
    await silent.closed;
    decision.resolve('allow');
    expect(await b.frame()).toEqual({ type: 'ready', v: 2, profile: 'p' });
    expect(b.isClosed).toBe(false);
  });
});

describe('a bridge that ends its side', () => {
  it('before hello: the agent ends its side too', async () => {
    await begin();
    const peer = connect({ path: socketPath, allowHalfOpen: true });
    peer.on('error', () => undefined);
    await new Promise<void>((resolve) => peer.once('connect', () => resolve()));
    const ended = new Promise<void>((resolve) => peer.once('end', () => resolve()));
    peer.resume();
    peer.end();
    await ended;
    await until(() => running().connectionCount() === 0, 'the connection closed');
    peer.destroy();
  });

  it('after ready: the session is closed and the agent ends its side', async () => {
    await begin();
    const b = await readyBridge();
    b.socket.end();
    await b.closed;
    // Closed twice (finished, then the socket's close): logged once.
    await until(() => running().connectionCount() === 0 && activity.some((event) => event.message.includes('disconnected')), 'the session closed');
    expect(running().sessions()).toEqual([]);
    expect(activity).toEqual([
      { level: 'info', profile: 'p', message: "Cursor (pid 1234) connected to 'p'." },
      { level: 'info', profile: 'p', message: "Cursor (pid 1234) disconnected from 'p'." },
    ]);
  });
});

describe('after ready', () => {
  it('blank lines are ignored; an invalid item is answered under its own id, or null', async () => {
    await begin();
    const b = await readyBridge();
    b.write('\n   \n\t\n');
    b.send([
      { jsonrpc: '2.0', id: 'mine', method: 5 },
      { jsonrpc: '2.0', id: 7, result: 'x', error: 'y', method: 1 },
      { id: { nested: true } },
      { id: true },
      null,
      42,
    ]);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await b.next());
    expect(answers).toEqual([
      { jsonrpc: '2.0', id: 'mine', error: { code: INVALID_REQUEST, message: 'Invalid JSON-RPC message' } },
      { jsonrpc: '2.0', id: 7, error: { code: INVALID_REQUEST, message: 'Invalid JSON-RPC message' } },
      ...Array.from({ length: 4 }, () => ({ jsonrpc: '2.0', id: null, error: { code: INVALID_REQUEST, message: 'Invalid JSON-RPC message' } })),
    ]);
    b.send('{"no json');
    expect(await b.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message: 'Parse error: not JSON' } });
    expect(toolText(await b.request('tools/call', { name: 'echo', arguments: { text: 'still here' } }))).toBe('still here');
    expect(b.pending).toEqual([]);
  });

  it('a bridge that reads everything is kept even with no room for a queue at all', async () => {
    await begin({ limits: { maxBufferedBytes: 0 } });
    const b = await readyBridge();
    expect(toolText(await b.request('tools/call', { name: 'echo', arguments: { text: 'kept' } }))).toBe('kept');
    expect(b.isClosed).toBe(false);
  });

  it('a message longer than 32 MiB is answered with a parse error naming the bound; the session goes on', async () => {
    await begin();
    const b = await readyBridge();
    b.write(`${'x'.repeat(MAX_MESSAGE_CHARS + 1)}\n`);
    expect(await b.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message: 'Parse error: message longer than 33554432 characters' } });
    expect(await b.request('ping')).toMatchObject({ result: {} });
  });

  it('a bridge that stops reading is dropped, and the activity log says which assistant', async () => {
    await begin({ limits: { maxBufferedBytes: 16 * 1024 } });
    const slow = await readyBridge();
    slow.socket.pause();
    const junk = 'garbage\n'.repeat(2000);
    for (let i = 0; i < 100 && !slow.isClosed; i++) {
      slow.write(junk);
      await new Promise((r) => setImmediate(r));
    }
    await slow.closed;
    expect(activity).toContainEqual({ level: 'warning', profile: 'p', message: 'Disconnected an assistant that stopped reading (Cursor (pid 1234)).' });
  });
});

describe('the session view and its activity', () => {
  it('starts at the agent\'s clock, counts requests, and says when the upstream fails and recovers', async () => {
    let clock = Date.parse('2026-11-30T08:00:00.000Z');
    await begin({ now: () => clock });
    const b = await readyBridge();
    await until(() => running().sessions()[0]?.upstream === 'ok', 'the session ok');
    expect(running().sessions()).toEqual([
      expect.objectContaining({ profile: 'p', client: { name: 'Cursor', pid: 1234 }, since: '2026-11-30T08:00:00.000Z', requests: 1, errors: 0, lastError: null }),
    ]);

    clock += 60_000;
    vendor.failNext(500, '{"error":"database on fire"}');
    const failed = await b.request('tools/call', { name: 'echo', arguments: { text: 'x' } });
    expect(failed).toMatchObject({ error: { data: { status: 500 } } });
    await until(() => running().sessions()[0]?.upstream === 'failing', 'the session failing');
    const view = running().sessions()[0]!;
    expect(view).toMatchObject({ requests: 2, errors: 1, lastRequestAt: '2026-11-30T08:01:00.000Z' });
    expect(view.lastError).toEqual({ status: 500, message: expect.stringContaining('database on fire'), at: '2026-11-30T08:01:00.000Z' });
    const failing = activity.filter((event) => event.level === 'error');
    expect(failing).toEqual([{ level: 'error', profile: 'p', message: `Cursor (pid 1234): 'p' is failing (500 ${view.lastError!.message})` }]);

    // Failing again is no new event; recovering publishes at once.
    vendor.failNext(500, '{"error":"still on fire"}');
    await b.request('tools/call', { name: 'echo', arguments: { text: 'x' } });
    expect(toolText(await b.request('tools/call', { name: 'echo', arguments: { text: 'back' } }))).toBe('back');
    await until(() => running().sessions()[0]?.upstream === 'ok', 'the session ok again');
    expect(activity.filter((event) => event.level === 'error')).toHaveLength(1);
    expect(running().sessions()[0]).toMatchObject({ errors: 2, lastError: { message: expect.stringContaining('still on fire') } });
  });

  it('a failure with no response says so', async () => {
    await begin();
    const b = await readyBridge();
    await vendor.close();
    await b.request('tools/call', { name: 'echo', arguments: { text: 'x' } });
    await until(() => activity.some((event) => event.level === 'error'), 'the failure');
    expect(activity.find((event) => event.level === 'error')?.message).toMatch(/^Cursor \(pid 1234\): 'p' is failing \(no response .+\)$/);
    expect(running().sessions()[0]?.lastError?.status).toBeNull();
    vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  });

  it('a long failure message is kept to 2000 characters in the view', async () => {
    await begin();
    const b = await readyBridge();
    const reason = `The keychain is locked. ${'e'.repeat(5000)}`;
    profiles.set('p', () => ({ ok: false, code: 'locked', message: reason }));
    await emit({ type: 'credentials', profile: 'p' });
    expect(await b.request('tools/call', { name: 'echo', arguments: { text: 'x' } })).toMatchObject({ error: { code: NO_CREDENTIALS, message: reason } });
    await until(() => running().sessions()[0]?.upstream === 'failing', 'the session failing');
    expect(running().sessions()[0]?.lastError).toMatchObject({ status: null, message: reason.slice(0, 2000) });
  });

  it('Test connection\'s session is neither shown nor logged, not even when it fails', async () => {
    await begin({ policy: async () => 'deny' });
    const b = await bridge();
    expect(await b.handshake('p', { token: running().issueToken('p') })).toMatchObject({ type: 'ready' });
    await initializeSession(b);
    vendor.failNext(500);
    await b.request('tools/call', { name: 'echo', arguments: { text: 'x' } });
    await b.close();
    await until(() => running().connectionCount() === 0, 'the connection closed');
    expect(running().sessions()).toEqual([]);
    expect(activity).toEqual([]);
  });
});

describe('a bridge that ends its side with a request outstanding', () => {
  it('without a key by then, the request is answered naming the endpoint the session started with', async () => {
    await begin({ limits: { drainMs: 100 } });
    const b = await readyBridge();
    vendor.delayMs = 500;
    b.send({ jsonrpc: '2.0', id: 'slow', method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } });
    await until(() => vendor.requests.some((r) => r.rpcIds.includes('slow')), 'the request upstream');
    profiles.set('p', () => ({ ok: false, code: 'locked', message: 'The keychain is locked.' }));
    await emit({ type: 'credentials', profile: 'p' });
    b.socket.end();
    expect(await b.next()).toMatchObject({
      id: 'slow',
      error: { message: `No answer from ${vendor.url} for 'p' before the assistant closed the connection.` },
    });
  });
});

describe('the session view between changes of state', () => {
  it('a request count alone is published within a second', async () => {
    await begin();
    const b = await readyBridge();
    await until(() => running().sessions()[0]?.upstream === 'ok', 'the session ok');
    expect(running().sessions()[0]?.requests).toBe(1);
    expect(await b.request('ping')).toMatchObject({ result: {} });
    await until(() => running().sessions()[0]?.requests === 2, 'the count published', 2000);
  });
});

describe('key changes reach the session', () => {
  it('a key that can no longer be looked up: requests are answered with the source\'s reason, and carry on once it is back', async () => {
    await begin();
    const b = await readyBridge();
    profiles.set('p', () => ({ ok: false, code: 'locked', message: 'The keychain is locked.' }));
    await emit({ type: 'credentials', profile: 'p' });
    expect(await b.request('tools/call', { name: 'echo', arguments: { text: 'x' } })).toMatchObject({ error: { code: NO_CREDENTIALS, message: 'The keychain is locked.' } });
    profiles.set('p', () => credentials(NEW_KEY));
    await emit({ type: 'credentials', profile: 'p' });
    expect(toolText(await b.request('tools/call', { name: 'echo', arguments: { text: 'unlocked' } }))).toBe('unlocked');
    expect(vendor.requests.at(-1)?.xApiKey).toBe(NEW_KEY);
  });

  it('both the old and the rotated key are redacted from what the vendor echoes', async () => {
    await begin();
    const b = await readyBridge();
    profiles.set('p', () => credentials(NEW_KEY));
    await emit({ type: 'credentials', profile: 'p' });
    profiles.set('p', () => credentials(NEW_KEY));
    await emit({ type: 'credentials', profile: 'p' });
    const echoed = toolText(await b.request('tools/call', { name: 'echo', arguments: { text: `old ${KEY} new ${NEW_KEY}` } }));
    expect(echoed).not.toContain(KEY);
    expect(echoed).not.toContain(NEW_KEY);
  });

  it('after a revocation the key is not used again, not even to end the upstream session', async () => {
    await begin();
    const b = await readyBridge();
    profiles.delete('p');
    await emit({ type: 'revoked', profile: 'p', message: "The key for 'p' was removed." });
    const seen = vendor.requests.length;
    expect(await b.request('ping')).toMatchObject({ error: { code: NO_CREDENTIALS, message: "The key for 'p' was removed." } });
    await running().close();
    agent = null;
    expect(vendor.requests.slice(seen)).toEqual([]);
  });
});

