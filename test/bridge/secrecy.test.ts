// The key never leaves the bridge except in the one upstream auth header: not on stdout (the
// outbound guard redacts even a server that echoes it), not on stderr at debug level, not in
// its argv or environment, not in any file under its HOME or temp dir.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startFakeAgent, type FakeAgent } from '../support/fake-agent';
import { startBridgeClient, type BridgeClient } from '../support/bridge-process';

const OLD_KEY = 'umk_live_test_secret_old_9f3a1c';
const NEW_KEY = 'umk_live_test_secret_new_77b0e2';
const WRONG_KEY = 'umk_live_test_secret_wrong_5d21';

let vendor: FakeVendor | undefined;
let agent: FakeAgent | undefined;
let bridge: BridgeClient | undefined;
let home: string | undefined;

afterEach(async () => {
  await bridge?.close();
  await agent?.close();
  await vendor?.close();
  if (home) await rm(home, { recursive: true, force: true });
  bridge = agent = vendor = home = undefined;
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return out;
}

describe('secrecy', () => {
  it('the raw key appears nowhere the bridge writes, nor in its argv or environment', async () => {
    home = await mkdtemp(join(tmpdir(), 'kb-secrecy-'));
    vendor = await startFakeVendor({ vendor: 'uptimemonitoring', keys: [OLD_KEY] });
    agent = await startFakeAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'bearer', key: OLD_KEY } } });
    bridge = await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent.socketPath, logLevel: 'debug', env: { HOME: home, TMPDIR: home } });

    // A server that echoes the auth header back: the outbound guard must catch it.
    const echoed = await bridge.client.callTool({ name: 'whoami', arguments: {} });
    expect((echoed.content as { text: string }[])[0]!.text).toBe('x-api-key= authorization=Bearer [redacted]');
    await bridge.client.callTool({ name: 'echo', arguments: { text: `the key is ${OLD_KEY}` } });

    // Rotation, then a wrong key (401 path), then the new key again.
    vendor.rotate(OLD_KEY, NEW_KEY);
    agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'bearer', key: NEW_KEY });
    await new Promise((r) => setTimeout(r, 150));
    await bridge.client.callTool({ name: 'whoami', arguments: {} });
    agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'bearer', key: WRONG_KEY });
    await new Promise((r) => setTimeout(r, 150));
    await expect(bridge.client.callTool({ name: 'echo', arguments: { text: 'x' } })).rejects.toThrow(/invalid credentials/);
    agent.pushCredentials('mcp-claude', { endpoint: vendor.url, auth: 'bearer', key: NEW_KEY });
    await new Promise((r) => setTimeout(r, 150));
    await bridge.client.callTool({ name: 'echo', arguments: { text: 'done' } });
    await vendor.expireSessions();
    await bridge.client.callTool({ name: 'echo', arguments: { text: 'after expiry' } });
    await bridge.close();

    // The keys did reach the vendor (so the scan below is meaningful)...
    expect(vendor.requests.map((r) => r.key)).toEqual(expect.arrayContaining([OLD_KEY, NEW_KEY, WRONG_KEY]));
    // ...and appear nowhere else.
    const stdout = bridge.stdout().join('\n');
    const stderr = bridge.stderr();
    expect(stdout.length).toBeGreaterThan(0);
    expect(stderr).toContain('keybridge-bridge');
    const places: [string, string][] = [
      ['stdout', stdout],
      ['stderr', stderr],
      ['argv', bridge.argv.join(' ')],
      ['env', JSON.stringify(bridge.env)],
      ...(await filesUnder(home)).map((text, i): [string, string] => [`file ${i}`, text]),
    ];
    for (const [where, text] of places) {
      for (const key of [OLD_KEY, NEW_KEY, WRONG_KEY]) expect(text.includes(key), `${where} contains a key`).toBe(false);
    }
    expect(stdout).toContain('the key is [redacted]');
  });
});
