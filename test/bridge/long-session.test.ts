// Many pipelined requests through the built bridge and the agent: each answered exactly once,
// in a session that stays healthy — no listener warnings from the bridge nor from the agent,
// which runs in this process and carries the upstream session. The listener pile-up itself is
// measured in abort-listeners.test.ts.
import { describe, expect, it } from 'vitest';
import { startFakeVendor } from '../support/fake-vendor';
import { startTestAgent } from '../support/test-agent';
import { INITIALIZE, spawnBridge } from '../support/bridge-process';
import { stopAfterTest } from '../support/stop-after-test';

const KEY = 'uo_test_long_session_ffffff06';
const REQUESTS = 400;
const IN_FLIGHT = 25;

describe('long session', () => {
  it(`${REQUESTS} pipelined requests: every one answered exactly once, no warnings`, async () => {
    const vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] }));
    const agent = stopAfterTest(await startTestAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: KEY } } }));
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    stopAfterTest({ stop: async () => void process.off('warning', onWarning) });
    const b = stopAfterTest(spawnBridge({ profile: 'mcp-claude', agentSocket: agent.socketPath, logLevel: 'warn' }));
    b.send(INITIALIZE);
    await b.next((m) => m.id === 1 && !!m.result);
    b.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    b.lines.splice(0);

    let next = 2;
    const wrong: string[] = [];
    const last = REQUESTS + 1;
    const answered = new Set<unknown>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${answered.size} answers`)), 60_000);
      const sendOne = () => {
        if (next <= last) b.send({ jsonrpc: '2.0', id: next++, method: 'ping' });
      };
      b.child.stdout.on('data', () => {
        for (const line of b.lines.splice(0)) {
          const message = JSON.parse(line) as { id?: unknown; result?: unknown };
          if (JSON.stringify(message.result) !== '{}' || answered.has(message.id)) wrong.push(line);
          answered.add(message.id);
          sendOne();
        }
        if (answered.size === REQUESTS) {
          clearTimeout(timer);
          resolve();
        }
      });
      for (let i = 0; i < IN_FLIGHT; i++) sendOne();
    });
    expect(wrong).toEqual([]);
    expect(b.stderr()).not.toMatch(/MaxListenersExceeded|memory leak/i);
    expect(warnings.filter((w) => /MaxListenersExceeded|memory leak/i.test(w))).toEqual([]);
    expect(agent.sessions()).toEqual([expect.objectContaining({ upstream: 'ok', errors: 0 })]);
  }, 90_000);
});
