// Test connection end to end: the generated launcher (a real sh script running
// `node dist/bridge.js`) started exactly as the entry says, with a one-time approval token in its
// environment as the app core passes it (KEYBRIDGE_APPROVAL_TOKEN from agent.issueToken), the
// real agent carrying the session, the fake vendor behind it. The agent's policy here denies
// everyone: only the token lets the bridge in, once.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVAL_TOKEN_ENV } from '../../../src-shared/agent-protocol';
import type { AccessPolicy, AccessRequest } from '../../../src-main/agent';
import type { BridgeEntry } from '../../../src-main/clients/bridge-entry';
import { writeLauncher } from '../../../src-main/clients/launcher';
import { testConnection } from '../../../src-main/clients/test-connection';
import { ClientsService } from '../../../src-main/clients/service';
import { startTestAgent, type TestAgent } from '../../support/test-agent';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { bridgePath } from '../../support/bridge-process';
import { NO_VAULT, tempHome, type TempHome } from './temp-home';

const UM_KEY = 'umk_live_test7a1c93e05d2b4f68';

let home: TempHome | null = null;
let vendor: FakeVendor | null = null;
let agent: TestAgent | null = null;
afterEach(async () => {
  await agent?.close();
  await vendor?.close();
  await home?.remove();
  home = vendor = agent = null;
});

/** Denies every assistant (an approval nobody gave); records who asked. */
function denyAll(asked: AccessRequest[]): AccessPolicy {
  return async (request) => {
    asked.push(request);
    return 'deny';
  };
}

async function setup(policy: AccessPolicy = denyAll([])) {
  home = await tempHome('linux');
  vendor = await startFakeVendor({ vendor: 'uptimemonitoring', keys: [UM_KEY] });
  agent = await startTestAgent({
    socketPath: `${home.dir}/agent.sock`,
    profiles: {
      'mcp-claude': { endpoint: vendor.url, auth: 'bearer', key: UM_KEY },
      locked: { error: 'locked', message: 'KeyBridge cannot decrypt keys right now: unlock your keychain.' },
    },
    policy,
  });
  const launcher = await writeLauncher({ platform: 'linux', homeDir: home.dir, appExecPath: process.execPath, bridgeScriptPath: bridgePath(), isPackaged: false });
  const service = new ClientsService({
    host: home.host,
    // Secret-free env: where this (test) agent listens.
    entry: { launcherPath: launcher.path, env: { KEYBRIDGE_AGENT_SOCKET: agent.socketPath } },
    vault: NO_VAULT,
  });
  const a = agent;
  /** As the app core runs it: a fresh one-time token for the profile in the bridge's environment. */
  const run = (profile: string, options: { timeoutMs?: number; token?: string } = {}) =>
    service.testConnection(profile, { env: { [APPROVAL_TOKEN_ENV]: options.token ?? a.agent.issueToken(profile) }, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  return { service, vendor, agent, run };
}

describe('test connection through the real bridge and agent', () => {
  it('reports the server name, version, tool count and round-trip time; the token skipped the approval', async () => {
    const asked: AccessRequest[] = [];
    const { vendor, agent, run } = await setup(denyAll(asked));
    const result = await run('mcp-claude');
    expect(result).toMatchObject({ ok: true, serverName: 'fake-uptimemonitoring', serverVersion: '1.0.0' });
    if (!result.ok) throw new Error('unreachable');
    expect(result.toolCount).toBeGreaterThan(3);
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(asked).toEqual([]);
    expect(agent.lookups).toEqual(['mcp-claude']);
    expect(vendor.requests.some((r) => r.authorization === `Bearer ${UM_KEY}` && r.rpcMethods.includes('tools/list'))).toBe(true);
    // Not an assistant's session: nothing in the tray's view or the activity log.
    expect(agent.activity.filter((a) => a.message.includes('connected'))).toEqual([]);
    // The bridge is gone afterwards: its agent connection closed, its upstream session ended.
    await expect.poll(() => agent.agent.connectionCount(), { timeout: 5000 }).toBe(0);
    await expect.poll(() => vendor.sessionIds, { timeout: 5000 }).toEqual([]);
    expect(agent.sessions()).toEqual([]);
  });

  it('the token works once, for its profile only; without one the policy decides', async () => {
    const asked: AccessRequest[] = [];
    const { agent, run } = await setup(denyAll(asked));
    const token = agent.agent.issueToken('mcp-claude');
    expect(await run('mcp-claude', { token })).toMatchObject({ ok: true });
    const again = await run('mcp-claude', { token });
    expect(again).toMatchObject({ ok: false, status: null, message: expect.stringMatching(/^KeyBridge did not allow .* to use the key 'mcp-claude'\. Open KeyBridge to allow it\.$/) });
    expect(await run('mcp-claude', { token: agent.agent.issueToken('locked') })).toMatchObject({ ok: false, message: expect.stringContaining('did not allow') });
    expect(asked.map((r) => r.profile)).toEqual(['mcp-claude', 'mcp-claude']);
    expect(agent.lookups).toEqual(['mcp-claude']);
  });

  it('the entry as written into a config file works when run as the assistant would run it', async () => {
    const { service, agent } = await setup();
    const target = await home!.installApp({ id: 'claude-desktop' });
    await service.install({ id: 'claude-desktop' }, 'mcp-claude');
    const written = JSON.parse(await readFile(target.configPath, 'utf8')) as { mcpServers: Record<string, BridgeEntry> };
    const entry = written.mcpServers['keybridge-mcp-claude']!;
    expect(JSON.stringify(entry)).not.toContain(UM_KEY);
    expect(await testConnection(entry, { env: { [APPROVAL_TOKEN_ENV]: agent.agent.issueToken('mcp-claude') } })).toMatchObject({ ok: true, serverName: 'fake-uptimemonitoring' });
  });

  it("reports the vendor's error, mapped by the agent, without the key", async () => {
    const { vendor, run } = await setup();
    vendor.revokeKey(UM_KEY);
    const result = await run('mcp-claude');
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error('unreachable');
    expect(result.status).toBe(401);
    expect(result.message).toMatch(/invalid credentials/);
    expect(result.message).toContain('mcp-claude');
    expect(result.message).not.toContain(UM_KEY);
  });

  it("reports the agent's refusal (locked) and an unknown profile", async () => {
    const { run } = await setup();
    const locked = await run('locked');
    expect(locked).toMatchObject({ ok: false, message: 'KeyBridge cannot decrypt keys right now: unlock your keychain.' });
    const unknown = await run('nobody');
    expect(unknown).toMatchObject({ ok: false, status: null, message: expect.stringContaining("KeyBridge has no key named 'nobody'") });
  });

  it('gives up after the timeout and stops the bridge', async () => {
    // An approval prompt nobody answers (no token: the policy is asked, and never says).
    const { service, agent } = await setup(() => new Promise(() => undefined));
    const result = await service.testConnection('mcp-claude', { timeoutMs: 1500 });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('did not answer') });
    await expect.poll(() => agent.agent.connectionCount(), { timeout: 8000 }).toBe(0);
  });

  it('reports a launcher that is missing', async () => {
    home = await tempHome('linux');
    const service = new ClientsService({ host: home.host, entry: { launcherPath: `${home.dir}/nope/keybridge-bridge` }, vault: NO_VAULT });
    const result = await service.testConnection('p1');
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('could not be started') });
  });
});
