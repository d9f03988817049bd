// Large results pass through the bridge byte for byte, one after another: the bridge reuses its
// read buffer only once stdout has taken a chunk (a chunk left queued keeps its buffer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridgeClient, type BridgeClient } from '../support/bridge-process';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startTestAgent, type TestAgent } from '../support/test-agent';

const KEY = 'uo_test_large_aaaaaaaaaaaa01';
let vendor: FakeVendor;
let agent: TestAgent;
let bridge: BridgeClient;

beforeAll(async () => {
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  agent = await startTestAgent({ profiles: { big: { endpoint: vendor.url, auth: 'x-api-key', key: KEY } } });
  bridge = await startBridgeClient({ profile: 'big', agentSocket: agent.socketPath, logLevel: 'error' });
});
afterAll(async () => {
  await bridge?.close();
  await agent?.close();
  await vendor?.close();
});

describe('large results through the bridge', () => {
  it('1 MB and 10 MB results, alternating, each arrive whole', async () => {
    const expected = async (bytes: number) => {
      const result = await bridge.client.callTool({ name: 'big', arguments: { bytes } }, undefined, { timeout: 60_000 });
      return (result.content as { text: string }[])[0]?.text;
    };
    for (const bytes of [1_000_000, 10_000_000, 1_000_000, 10_000_000, 1_000_000, 10_000_000]) {
      const text = await expected(bytes);
      expect(text?.length).toBe(bytes);
      expect(text).toBe(text?.[0]?.repeat(bytes));
    }
  }, 120_000);
});
