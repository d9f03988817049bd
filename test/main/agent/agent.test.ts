// The agent on a real Unix socket in a temp dir, serving a real vault (conf + test cipher);
// bridges are raw protocol-v1 clients on real sockets.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent, type AccessPolicy, type Agent, type BridgeClient } from '../../../src-main/agent';
import { createVault, type Vault } from '../../../src-main/vault';
import { MAX_FRAME_BYTES } from '../../../src-shared/agent-protocol';
import type { SessionView } from '../../../src-shared/ipc-contract';
import { confBackend, createTestCipher, makeTempDir, type TestCipher } from '../vault/helpers';
import { connectRawBridge, type RawBridge } from './raw-bridge';

const UO_KEY = 'uo_test_aaaaaaaaaaaa1a2b';
const UO_KEY2 = 'uo_test_bbbbbbbbbbbb3c4d';
const ENDPOINT = 'https://mcp.uptimeobserver.com/mcp';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let cipher: TestCipher;
let vault: Vault;
let agent: Agent;
let bridges: RawBridge[];
let socketPath: string;

/** Rotation verifies the new key; these tests are about the socket, so every key works. */
const acceptingProbe = async () => ({ ok: true as const, serverName: 'test', serverVersion: '1', toolCount: 1, latencyMs: 1, at: new Date().toISOString() });

async function begin(policy?: AccessPolicy, limits?: Parameters<typeof startAgent>[0]['limits']) {
  vault = await createVault({ backend: confBackend(temp.dir), cipher, probe: acceptingProbe });
  await vault.add({ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: ENDPOINT, auth: 'x-api-key', key: UO_KEY });
  await vault.add({ name: 'mcp-cursor', vendor: 'uptimeobserver', endpoint: ENDPOINT, auth: 'x-api-key', key: UO_KEY2 });
  agent = await startAgent({ socketPath, credentials: vault, policy, limits });
}

async function bridge(): Promise<RawBridge> {
  const b = await connectRawBridge(socketPath);
  bridges.push(b);
  return b;
}

beforeEach(async () => {
  temp = await makeTempDir('kb-agent-');
  socketPath = join(temp.dir, 'run', 'agent.sock');
  cipher = createTestCipher();
  bridges = [];
});
afterEach(async () => {
  await Promise.all(bridges.map((b) => b.close()));
  await agent?.close();
  vault?.close();
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

describe('the socket', () => {
  it('lives in an owner-only folder and is itself owner-only', async () => {
    await begin();
    expect(statSync(join(temp.dir, 'run')).mode & 0o777).toBe(0o700);
    expect(statSync(socketPath).isSocket()).toBe(true);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
  });
});

describe('hello', () => {
  it('answers with the profile credentials and shows a live session', async () => {
    await begin();
    const b = await bridge();
    const sessions = nextSessions(agent);
    b.hello('mcp-claude');
    expect(await b.next()).toEqual({
      type: 'credentials',
      profile: 'mcp-claude',
      endpoint: ENDPOINT,
      auth: 'x-api-key',
      key: UO_KEY,
      keyId: vault.get('mcp-claude').key?.fingerprint,
    });
    expect(await sessions).toEqual([
      expect.objectContaining({ profile: 'mcp-claude', client: { name: 'Claude', pid: 4242 }, upstream: 'connecting', requests: 0, errors: 0, lastError: null }),
    ]);
    expect(vault.get('mcp-claude').lastUsedAt).not.toBeNull();

    const updated = nextSessions(agent);
    const lastError = { status: 401, message: 'invalid credentials', at: '2026-11-23T10:00:00.000Z' };
    b.write(`${JSON.stringify({ type: 'status', profile: 'mcp-claude', upstream: 'failing', requests: 12, errors: 1, lastError, extra: 'ignored' })}\n`);
    expect(await updated).toEqual([expect.objectContaining({ upstream: 'failing', requests: 12, errors: 1, lastError })]);

    const gone = nextSessions(agent);
    await b.close();
    expect(await gone).toEqual([]);
  });

  it('answers each error code, and a bad line never closes the connection', async () => {
    const asked: [BridgeClient, string][] = [];
    await begin(async (client, profile) => {
      asked.push([client, profile]);
      return client.name === 'Cursor' ? 'deny' : 'allow';
    });
    const b = await bridge();
    b.hello('nobody');
    expect(await b.next()).toMatchObject({ type: 'error', code: 'unknown-profile', message: "No profile named 'nobody'. Open KeyBridge to add it." });
    b.hello('mcp-claude', { name: 'Cursor' });
    expect(await b.next()).toMatchObject({ type: 'error', code: 'denied' });
    expect(asked).toEqual([[{ name: 'Cursor', pid: null }, 'mcp-claude']]);
    b.write('{"type":"hello","v":2,"profile":"mcp-claude","client":{"name":"Claude"},"bridge":{"version":"9","pid":1}}\n');
    expect(await b.next()).toMatchObject({ type: 'error', code: 'unsupported-version' });
    b.write('{"type":"hello","v":2,"whatever":true}\n');
    expect(await b.next()).toMatchObject({ type: 'error', code: 'unsupported-version' });
    b.write('not json\n');
    expect(await b.next()).toMatchObject({ type: 'error', code: 'bad-request', message: 'Malformed frame (not JSON).' });
    b.write('{"type":"status","profile":"mcp-claude","upstream":"ok","requests":1,"errors":0,"lastError":null}\n');
    expect(await b.next()).toMatchObject({ type: 'error', code: 'bad-request', message: 'Send hello before status.' });
    b.write('{"type":"telemetry","anything":1}\n\n');
    b.write(`${'x'.repeat(MAX_FRAME_BYTES + 10)}\n`);
    expect(await b.next()).toMatchObject({ type: 'error', code: 'bad-request', message: expect.stringContaining('too long') });
    cipher.available = false;
    b.hello('mcp-claude');
    expect(await b.next()).toMatchObject({ type: 'error', code: 'locked' });
    cipher.available = true;
    b.hello('mcp-claude');
    expect(await b.next()).toMatchObject({ type: 'credentials', key: UO_KEY });
    expect(b.socket.destroyed).toBe(false);
  });

  it('keeps a status sent while the hello is still being approved', async () => {
    await begin(async () => {
      await new Promise((r) => setTimeout(r, 200));
      return 'allow';
    });
    const b = await bridge();
    b.hello('mcp-claude');
    b.write('{"type":"status","profile":"mcp-claude","upstream":"ok","requests":3,"errors":0,"lastError":null}\n');
    expect(await b.next()).toMatchObject({ type: 'credentials' });
    await expect.poll(() => agent.sessions()[0]).toMatchObject({ upstream: 'ok', requests: 3 });
    expect(b.frames).toHaveLength(1);
  });

  it('serves 50 bridges at once', async () => {
    await begin();
    const many = await Promise.all(Array.from({ length: 50 }, () => bridge()));
    many.forEach((b, i) => b.hello(i % 2 ? 'mcp-claude' : 'mcp-cursor', { name: `client-${i}`, pid: 1000 + i }));
    const frames = await Promise.all(many.map((b) => b.next()));
    frames.forEach((f, i) => expect(f).toMatchObject({ type: 'credentials', key: i % 2 ? UO_KEY : UO_KEY2 }));
    await expect.poll(() => agent.sessions().length).toBe(50);
    expect(new Set(agent.sessions().map((s) => s.id)).size).toBe(50);

    const rotated = 'uo_test_cccccccccccc5e6f';
    await vault.rotate('mcp-claude', rotated);
    const pushed = await Promise.all(many.filter((_, i) => i % 2).map((b) => b.next()));
    expect(pushed.every((f) => f.type === 'credentials' && f.key === rotated)).toBe(true);
    expect(many.filter((_, i) => i % 2 === 0).every((b) => b.frames.length === 1)).toBe(true);
  });
});

describe('pushes', () => {
  it('pushes credentials on rotate and rollback, revoked on pause and remove, only to that profile', async () => {
    await begin();
    const claude = await bridge();
    const cursor = await bridge();
    claude.hello('mcp-claude');
    cursor.hello('mcp-cursor');
    await claude.next();
    await cursor.next();

    const rotated = 'uo_test_cccccccccccc5e6f';
    await vault.rotate('mcp-claude', rotated);
    // rotate() resolves once the push is written: the frame is already on its way.
    expect(await claude.next()).toMatchObject({ type: 'credentials', key: rotated, keyId: vault.get('mcp-claude').key?.fingerprint });
    await vault.rollback('mcp-claude');
    expect(await claude.next()).toMatchObject({ type: 'credentials', key: UO_KEY });
    await vault.setPaused('mcp-claude', true);
    expect(await claude.next()).toMatchObject({ type: 'revoked', profile: 'mcp-claude', message: expect.stringContaining('paused') });
    await vault.setPaused('mcp-claude', false);
    expect(await claude.next()).toMatchObject({ type: 'credentials', key: UO_KEY });
    await vault.remove('mcp-claude');
    expect(await claude.next()).toEqual({ type: 'revoked', profile: 'mcp-claude', message: "The key for 'mcp-claude' was removed in KeyBridge." });
    expect(cursor.frames).toHaveLength(1);
  });
});

describe('hostile or broken peers', () => {
  it('drops a bridge that stops reading, and one that never says hello; others are unaffected', async () => {
    await begin(undefined, { maxBufferedBytes: 16 * 1024, helloTimeoutMs: 300 });
    const good = await bridge();
    good.hello('mcp-claude');
    await good.next();

    const silent = await bridge();
    const slow = await bridge();
    slow.socket.pause();
    const junk = 'garbage\n'.repeat(2000);
    for (let i = 0; i < 40 && !slow.socket.destroyed; i++) slow.write(junk);
    await slow.closed;
    await silent.closed;

    const halfway = await bridge();
    halfway.write('{"type":"hello","v":1,"profile":"mcp-cl');
    await halfway.close();

    await vault.rotate('mcp-claude', 'uo_test_cccccccccccc5e6f');
    expect(await good.next()).toMatchObject({ type: 'credentials', key: 'uo_test_cccccccccccc5e6f' });
    await expect.poll(() => agent.connectionCount()).toBe(1);
  });
});
