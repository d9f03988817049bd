// The tray restarts (an update, a crash) while three assistants' bridges have requests in
// flight: each in-flight request gets an error that says what happened, and every session
// carries on — same bridge process, no new initialize from the assistant — because the bridge
// reconnects and the new agent re-initializes upstream with the assistant's own setup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startBridgeClient, type BridgeClient } from '../support/bridge-process';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startTestAgent, type TestAgent } from '../support/test-agent';
import { until } from '../support/until';

const KEY = 'uo_test_restart_aaaaaaaaaaaa01';

let vendor: FakeVendor;
let agent: TestAgent;
const bridges: { bridge: BridgeClient; logs: string[]; updated: string[]; listChanged: number }[] = [];

beforeAll(async () => {
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  agent = await startTestAgent({ profiles: { uptime: { endpoint: vendor.url, auth: 'x-api-key', key: KEY } } });
  for (let i = 0; i < 3; i++) {
    const seen = { bridge: null as unknown as BridgeClient, logs: [] as string[], updated: [] as string[], listChanged: 0 };
    seen.bridge = await startBridgeClient({ profile: 'uptime', agentSocket: agent.socketPath }, {}, (client) => {
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void seen.logs.push(String(n.params.data)));
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void seen.updated.push(n.params.uri));
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => void seen.listChanged++);
    });
    await seen.bridge.client.setLoggingLevel('info');
    await seen.bridge.client.subscribeResource({ uri: `kb://status/${i}` });
    bridges.push(seen);
  }
}, 30_000);

afterAll(async () => {
  for (const { bridge } of bridges) await bridge.close();
  await agent?.close();
  await vendor?.close();
});

describe('tray restart with three sessions in flight', () => {
  it('in-flight requests get a clear error, then every session carries on without a new initialize', async () => {
    const pids = bridges.map(({ bridge }) => bridge.pid());
    const initializesBefore = vendor.requests.filter((r) => r.rpcMethods.includes('initialize')).length;
    const inFlight = bridges.map(({ bridge }) =>
      bridge.client.callTool({ name: 'slow', arguments: { steps: 50, intervalMs: 100 } }).then(
        () => 'answered',
        (error: unknown) => String(error),
      ),
    );
    await until(() => vendor.requests.filter((r) => r.rpcMethods.includes('tools/call')).length >= 3, 'three slow calls at the vendor');
    await agent.restart();

    const outcomes = await Promise.all(inFlight);
    for (const outcome of outcomes) expect(outcome).toMatch(/KeyBridge restarted while this request was in flight; retry it/);

    for (const [i, { bridge }] of bridges.entries()) {
      const echoed = await bridge.client.callTool({ name: 'echo', arguments: { text: `after restart ${i}` } });
      expect(echoed).toMatchObject({ content: [{ type: 'text', text: `after restart ${i}` }] });
    }
    // Same processes; the vendor saw one new initialize per bridge, in the assistant's own words.
    expect(bridges.map(({ bridge }) => bridge.pid())).toEqual(pids);
    const reinitializes = vendor.requests.filter((r) => r.rpcMethods.includes('initialize')).slice(initializesBefore);
    expect(reinitializes).toHaveLength(3);
    expect(agent.sessions()).toHaveLength(3);
  }, 30_000);

  it('what the assistants set up survives: log level, subscriptions, the GET stream', async () => {
    for (const [i, entry] of bridges.entries()) {
      await entry.bridge.client.callTool({ name: 'log', arguments: { level: 'info', text: `log ${i}` } });
      await entry.bridge.client.callTool({ name: 'touch', arguments: { uri: `kb://status/${i}` } });
    }
    vendor.notifyToolListChanged();
    await until(() => bridges.every((b, i) => b.logs.includes(`log ${i}`) && b.updated.includes(`kb://status/${i}`) && b.listChanged > 0), 'logs, updates and list_changed on every session');
  });
});
