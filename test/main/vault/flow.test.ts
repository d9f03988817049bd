// The whole key life cycle through real parts: the vault (conf in a temp dir, AES test
// cipher), the agent on a real socket, the BUILT bridge (dist/bridge.js) driven by the SDK
// Client over stdio, and the fake vendor over HTTP.
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startAgent } from '../../../src-main/agent';
import { createVault } from '../../../src-main/vault';
import { startBridgeClient } from '../../support/bridge-process';
import { startFakeVendor } from '../../support/fake-vendor';
import { confBackend, createTestCipher, makeTempDir } from './helpers';

const OLD = 'uo_test_flow_old_key_1a2b';
const NEW = 'uo_test_flow_new_key_3c4d';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const text = (result: unknown) => (result as { content?: { text?: string }[] }).content?.[0]?.text;

it('add → verify → bridge → rotate → rollback → remove, one bridge all along', async () => {
  const temp = await makeTempDir('kb-flow-');
  cleanups.push(() => temp.remove());
  const vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [OLD] });
  cleanups.push(() => vendor.close());
  const vault = await createVault({ backend: confBackend(temp.dir), cipher: createTestCipher(), probeTimeoutMs: 5000 });
  cleanups.push(async () => vault.close());
  const agent = await startAgent({ socketPath: join(temp.dir, 'run', 'agent.sock'), credentials: vault });
  cleanups.push(() => agent.close());

  const added = await vault.add({ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key: OLD }, { verify: true });
  expect(added.state).toBe('ok');
  expect((await vault.verify('mcp-claude')).ok).toBe(true);

  const bridge = await startBridgeClient({ profile: 'mcp-claude', agentSocket: agent.socketPath, logLevel: 'warn' });
  cleanups.push(() => bridge.close());
  const keysSince = (from: number) => vendor.requests.slice(from).filter((r) => r.rpcMethods.includes('tools/call')).map((r) => r.xApiKey);

  let mark = vendor.requests.length;
  expect(text(await bridge.client.callTool({ name: 'echo', arguments: { text: 'one' } }))).toBe('one');
  expect(keysSince(mark)).toEqual([OLD]);
  await expect.poll(() => agent.sessions()).toEqual([expect.objectContaining({ profile: 'mcp-claude', upstream: 'ok' })]);
  expect(vault.get('mcp-claude').lastUsedAt).not.toBeNull();

  // Rotate: verified against the vendor first, then pushed to the running bridge.
  vendor.rotate(OLD, NEW);
  const rotated = await vault.rotate('mcp-claude', NEW);
  expect(rotated.previous).toMatchObject({ masked: 'uo_…1a2b', fate: 'until-revoked' });
  mark = vendor.requests.length;
  await expect
    .poll(async () => {
      await bridge.client.callTool({ name: 'echo', arguments: { text: 'two' } });
      return keysSince(mark).at(-1);
    })
    .toBe(NEW);
  // The push is written before rotate() resolves: at most the request racing it used the old key.
  expect(keysSince(mark).filter((k) => k === OLD).length).toBeLessThanOrEqual(1);

  // Roll back: the old key is restored and pushed.
  await vault.rollback('mcp-claude');
  mark = vendor.requests.length;
  await expect
    .poll(async () => {
      await bridge.client.callTool({ name: 'echo', arguments: { text: 'three' } });
      return keysSince(mark).at(-1);
    })
    .toBe(OLD);

  // Remove: the bridge is told, and says so instead of calling the vendor.
  await vault.remove('mcp-claude');
  mark = vendor.requests.length;
  await expect
    .poll(async () => {
      try {
        await bridge.client.callTool({ name: 'echo', arguments: { text: 'four' } });
        return 'still served';
      } catch (error) {
        return (error as Error).message;
      }
    })
    .toContain("The key for 'mcp-claude' was removed in KeyBridge.");
  expect(keysSince(mark).filter((k) => k === OLD || k === NEW).length).toBeLessThanOrEqual(1);
  // No key in anything the bridge wrote.
  expect(bridge.stderr()).not.toContain(OLD);
  expect(bridge.stdout().join('\n')).not.toContain(NEW);
}, 60_000);
