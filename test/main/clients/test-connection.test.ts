// Test connection end to end: the generated launcher (a real sh script running
// `node dist/bridge.js`) started exactly as the entry says, the fake agent handing out
// credentials, the fake vendor behind them.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeEntry } from '../../../src-main/clients/bridge-entry';
import { writeLauncher } from '../../../src-main/clients/launcher';
import { testConnection } from '../../../src-main/clients/test-connection';
import { ClientsService } from '../../../src-main/clients/service';
import { startFakeAgent, type FakeAgent } from '../../support/fake-agent';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { bridgePath } from '../../support/bridge-process';
import { NO_VAULT, tempHome, type TempHome } from './temp-home';

const UM_KEY = 'umk_live_test7a1c93e05d2b4f68';

let home: TempHome | null = null;
let vendor: FakeVendor | null = null;
let agent: FakeAgent | null = null;
afterEach(async () => {
  await agent?.close();
  await vendor?.close();
  await home?.remove();
  home = vendor = agent = null;
});

async function setup(answerHello = true) {
  home = await tempHome('linux');
  vendor = await startFakeVendor({ vendor: 'uptimemonitoring', keys: [UM_KEY] });
  agent = await startFakeAgent({
    socketPath: `${home.dir}/agent.sock`,
    profiles: {
      'mcp-claude': { endpoint: vendor.url, auth: 'bearer', key: UM_KEY },
      locked: { error: 'locked', message: 'KeyBridge cannot decrypt keys right now: unlock your keychain.' },
    },
    answerHello,
  });
  const launcher = await writeLauncher({ platform: 'linux', homeDir: home.dir, appExecPath: process.execPath, bridgeScriptPath: bridgePath(), isPackaged: false });
  const service = new ClientsService({
    host: home.host,
    // Secret-free env: where this (test) agent listens.
    entry: { launcherPath: launcher.path, env: { KEYBRIDGE_AGENT_SOCKET: agent.socketPath } },
    vault: NO_VAULT,
  });
  return { service, vendor, agent };
}

describe('test connection through the real bridge', () => {
  it('reports the server name, version, tool count and round-trip time', async () => {
    const { service, vendor, agent } = await setup();
    const result = await service.testConnection('mcp-claude');
    expect(result).toMatchObject({ ok: true, serverName: 'fake-uptimemonitoring', serverVersion: '1.0.0' });
    if (!result.ok) throw new Error('unreachable');
    expect(result.toolCount).toBeGreaterThan(3);
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(agent.hellos.map((h) => h.profile)).toEqual(['mcp-claude']);
    expect(vendor.requests.some((r) => r.authorization === `Bearer ${UM_KEY}` && r.rpcMethods.includes('tools/list'))).toBe(true);
    // The bridge is gone afterwards: its agent connection closed.
    await expect.poll(() => agent.connections, { timeout: 5000 }).toBe(0);
  });

  it('the entry as written into a config file works when run as the assistant would run it', async () => {
    const { service } = await setup();
    const target = await home!.installApp({ id: 'claude-desktop' });
    await service.install({ id: 'claude-desktop' }, 'mcp-claude');
    const written = JSON.parse(await readFile(target.configPath, 'utf8')) as { mcpServers: Record<string, BridgeEntry> };
    const entry = written.mcpServers['keybridge-mcp-claude']!;
    expect(JSON.stringify(entry)).not.toContain(UM_KEY);
    expect(await testConnection(entry)).toMatchObject({ ok: true, serverName: 'fake-uptimemonitoring' });
  });

  it("reports the vendor's error, mapped by the bridge, without the key", async () => {
    const { service, vendor } = await setup();
    vendor.revokeKey(UM_KEY);
    const result = await service.testConnection('mcp-claude');
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error('unreachable');
    expect(result.status).toBe(401);
    expect(result.message).toMatch(/invalid credentials/);
    expect(result.message).toContain('mcp-claude');
    expect(result.message).not.toContain(UM_KEY);
  });

  it("reports the agent's refusal (locked) and an unknown profile", async () => {
    const { service } = await setup();
    const locked = await service.testConnection('locked');
    expect(locked).toMatchObject({ ok: false, message: expect.stringContaining('unlock your keychain') });
    const unknown = await service.testConnection('nobody');
    expect(unknown).toMatchObject({ ok: false, status: null, message: expect.stringContaining("No profile named 'nobody'") });
  });

  it('gives up after the timeout and stops the bridge', async () => {
    const { service, agent } = await setup(false);
    const result = await service.testConnection('mcp-claude', { timeoutMs: 1500 });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('did not answer') });
    await expect.poll(() => agent.connections, { timeout: 8000 }).toBe(0);
  });

  it('reports a launcher that is missing', async () => {
    home = await tempHome('linux');
    const service = new ClientsService({ host: home.host, entry: { launcherPath: `${home.dir}/nope/keybridge-bridge` }, vault: NO_VAULT });
    const result = await service.testConnection('p1');
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('could not be started') });
  });
});
