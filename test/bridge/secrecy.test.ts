// The key never reaches the bridge: the agent holds it and talks to the vendor. Through a whole
// session — a server echoing the auth header back, rotation, a wrong key (the 401 path), session
// expiry — no byte the agent sends the bridge carries a key, and no key is in the bridge's
// memory (read from /proc/<pid>/mem), its stdout, its stderr at debug level, its argv or
// environment, or any file under its HOME or temp dir. A key the server echoes is scrubbed by
// the agent before it reaches the assistant.
import { afterEach, describe, expect, it } from 'vitest';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeVendor } from '../support/fake-vendor';
import { startTestAgent } from '../support/test-agent';
import { startBridgeClient } from '../support/bridge-process';
import { stopAfterTest } from '../support/stop-after-test';

const OLD_KEY = 'umk_live_test_secret_old_9f3a1c';
const NEW_KEY = 'umk_live_test_secret_new_77b0e2';
const WRONG_KEY = 'umk_live_test_secret_wrong_5d21';
const KEYS = [OLD_KEY, NEW_KEY, WRONG_KEY];

let home: string | undefined;

afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return out;
}

/** A Unix socket between the bridge and the agent that records every byte each way. */
async function startTap(dir: string, agentSocket: string): Promise<{ path: string; fromAgent: Buffer[]; toAgent: Buffer[]; close(): Promise<void> }> {
  const path = join(dir, 'tap.sock');
  const fromAgent: Buffer[] = [];
  const toAgent: Buffer[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (bridge) => {
    const agent = connect({ path: agentSocket, allowHalfOpen: true });
    bridge.on('data', (chunk: Buffer) => (toAgent.push(chunk), agent.write(chunk)));
    agent.on('data', (chunk: Buffer) => (fromAgent.push(chunk), bridge.write(chunk)));
    bridge.on('end', () => agent.end());
    agent.on('end', () => bridge.end());
    for (const [one, other] of [
      [bridge, agent],
      [agent, bridge],
    ] as const) {
      one.on('error', () => other.destroy());
      one.on('close', () => other.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, fromAgent, toAgent, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Which of `needles` (as Latin-1 or UTF-16 text) are in the process's readable private memory. */
function inMemory(pid: number, needles: string[]): string[] {
  const patterns = needles.flatMap((n) => [
    { n, bytes: Buffer.from(n, 'latin1') },
    { n, bytes: Buffer.from(n, 'utf16le') },
  ]);
  const found = new Set<string>();
  const chunk = 8 * 1024 * 1024;
  const overlap = 256;
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      // Anonymous memory, the heap and the stack: where a received key could be; not the
      // executable and libraries mapped from files.
      const m = /^([0-9a-f]+)-([0-9a-f]+) r\S* \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (!m || !['', '[heap]', '[stack]'].includes(m[3]!)) continue;
      const start = parseInt(m[1]!, 16);
      const end = parseInt(m[2]!, 16);
      for (let at = start; at < end; at += chunk) {
        const buffer = Buffer.alloc(Math.min(chunk + overlap, end - at));
        try {
          readSync(fd, buffer, 0, buffer.length, at);
        } catch {
          break;
        }
        for (const { n, bytes } of patterns) if (buffer.includes(bytes)) found.add(n);
      }
    }
  } finally {
    closeSync(fd);
  }
  return [...found];
}

describe('secrecy', () => {
  it('the key reaches the vendor and nothing the bridge holds, receives or writes', async () => {
    home = await mkdtemp(join(tmpdir(), 'kb-secrecy-'));
    const canary = `kb_canary_${randomBytes(8).toString('hex')}`;
    const vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimemonitoring', keys: [OLD_KEY] }));
    const agent = stopAfterTest(await startTestAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'bearer', key: OLD_KEY } } }));
    const tap = stopAfterTest(await startTap(home, agent.socketPath));
    const bridge = stopAfterTest(await startBridgeClient({ profile: 'mcp-claude', agentSocket: tap.path, logLevel: 'debug', env: { HOME: home, TMPDIR: home, KB_CANARY: canary } }));

    // A server that echoes the auth header back: the agent scrubs it.
    const echoed = await bridge.client.callTool({ name: 'whoami', arguments: {} });
    expect((echoed.content as { text: string }[])[0]!.text).toBe('x-api-key= authorization=Bearer [redacted]');

    // Rotation, then a wrong key (401 path), then the new key again; then session expiry.
    vendor.rotate(OLD_KEY, NEW_KEY);
    await agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'bearer', key: NEW_KEY });
    expect(((await bridge.client.callTool({ name: 'whoami', arguments: {} })).content as { text: string }[])[0]!.text).toContain('[redacted]');
    await agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'bearer', key: WRONG_KEY });
    await expect(bridge.client.callTool({ name: 'echo', arguments: { text: 'x' } })).rejects.toThrow(/invalid credentials/);
    await agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'bearer', key: NEW_KEY });
    await bridge.client.callTool({ name: 'echo', arguments: { text: 'done' } });
    await vendor.expireSessions();
    await bridge.client.callTool({ name: 'echo', arguments: { text: 'after expiry' } });

    // Not in the running bridge's memory (the canary, from its environment, shows the scan sees it).
    if (process.platform === 'linux') expect(inMemory(bridge.pid()!, [...KEYS, canary])).toEqual([canary]);

    // An assistant that types the key itself: the server's echo of it comes back scrubbed.
    await bridge.client.callTool({ name: 'echo', arguments: { text: `the key is ${NEW_KEY}` } });
    await bridge.close();

    // The keys did reach the vendor (so the scan below is meaningful)...
    expect(vendor.requests.map((r) => r.key)).toEqual(expect.arrayContaining(KEYS));
    // ...and appear nowhere else.
    const stdout = bridge.stdout().join('\n');
    const stderr = bridge.stderr();
    expect(stdout).toContain('the key is [redacted]');
    expect(stderr).toContain('keybridge-bridge');
    const places: [string, string][] = [
      ['bytes from the agent', Buffer.concat(tap.fromAgent).toString('latin1')],
      ['stdout', stdout],
      ['stderr', stderr],
      ['argv', bridge.argv.join(' ')],
      ['env', JSON.stringify(bridge.env)],
      ['agent activity', JSON.stringify(agent.activity)],
      ['agent sessions', JSON.stringify(agent.sessions())],
      ...(await filesUnder(home)).map((text, i): [string, string] => [`file ${i}`, text]),
    ];
    expect(tap.fromAgent.length).toBeGreaterThan(0);
    for (const [where, text] of places) {
      for (const key of KEYS) expect(text.includes(key), `${where} contains a key`).toBe(false);
    }
  });
});
