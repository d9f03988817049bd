// What the agent's upstream session and relay promise the bridge, through the real agent on a real
// socket and a hand-written MCP server over real HTTP (support/plain-server.ts). Issue 15's
// survivors, re-read against the agent (src-main/upstream/session.ts, relay.ts,
// src-main/agent/bridge-session.ts): each test fails when its mutant is applied.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../../../src-shared/redact';
import { startTestAgent, type TestAgent } from '../../support/test-agent';
import { until } from '../../support/until';
import { connectRawBridge, initializeSession, toolText, type RawBridge } from '../../main/agent/raw-bridge';
import { startPlainServer, type PlainServer } from '../support/plain-server';

// No vendor's prefix: only redaction by the key itself can hide these.
const OLD_KEY = 'plain-secret-old-7f3a9c21d4';
const NEW_KEY = 'plain-secret-new-52e8b0c6a1';

let server: PlainServer;
let agent: TestAgent;
let bridge: RawBridge;

beforeEach(async () => {
  server = await startPlainServer();
  agent = await startTestAgent({ profiles: { p: { endpoint: server.url, auth: 'bearer', key: OLD_KEY } } });
  bridge = await connectRawBridge(agent.socketPath);
  expect(await bridge.handshake('p')).toEqual({ type: 'ready', v: 2, profile: 'p' });
  await initializeSession(bridge);
});
afterEach(async () => {
  await bridge.close();
  await agent.close();
  await server.close();
});

/** Every line the bridge received, parsed (control frames included). */
const lines = () =>
  bridge.received
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('after the server forgets the session (404)', () => {
  it("the new session hears initialized, gets a GET stream, and the assistant's log level and current subscriptions again", async () => {
    expect(server.sessions).toHaveLength(1);
    await until(() => server.sessions[0]!.initialized && server.sessions[0]!.gets >= 1, 'the first session set up');
    await bridge.request('logging/setLevel', { level: 'warning' });
    await bridge.request('resources/subscribe', { uri: 'kb://kept' });
    await bridge.request('resources/subscribe', { uri: 'kb://dropped' });
    await bridge.request('resources/unsubscribe', { uri: 'kb://dropped' });
    await bridge.request('resources/subscribe', { uri: 'kb://also-kept' });
    expect(server.sessions[0]!.subscriptions).toEqual(['kb://kept', 'kb://also-kept']);

    server.forgetAll();
    const answer = await bridge.request('tools/call', { name: 'echo', arguments: { text: 'after the 404' } });
    expect(toolText(answer)).toBe('after the 404');

    expect(server.sessions).toHaveLength(2);
    const fresh = server.sessions[1]!;
    expect(String(fresh.initializeId)).toMatch(/^keybridge-internal-/);
    // The setup, in the assistant's order, before the request that met the 404.
    expect(fresh.methods).toEqual(['initialize', 'notifications/initialized', 'logging/setLevel', 'resources/subscribe', 'resources/subscribe', 'tools/call']);
    expect(fresh.initialized).toBe(true);
    expect(fresh.logLevel).toBe('warning');
    expect(fresh.subscriptions).toEqual(['kb://kept', 'kb://also-kept']);
    // Messages the server sends outside any request need the GET stream on the NEW session.
    await until(() => fresh.gets >= 1, 'a GET stream on the new session');
    // The assistant saw none of the replayed setup's answers.
    expect(lines().filter((line) => String(line.id).startsWith('keybridge-internal-'))).toEqual([]);
  });

  it('an assistant that never sent initialized gets a new session without it', async () => {
    // A second bridge whose assistant stops after initialize (no initialized).
    const other = await connectRawBridge(agent.socketPath);
    try {
      expect(await other.handshake('p')).toEqual({ type: 'ready', v: 2, profile: 'p' });
      await other.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'half', version: '1' } });
      const before = server.sessions.length;
      server.forgetAll();
      await other.request('ping');
      const fresh = server.sessions.slice(before);
      // The first bridge's session is not touched by the second's request.
      expect(fresh).toHaveLength(1);
      expect(fresh[0]!.methods).toEqual(['initialize', 'ping']);
      expect(fresh[0]!.initialized).toBe(false);
    } finally {
      await other.close();
    }
  });
});

describe('responses the assistant did not ask for', () => {
  it('a response to an unknown id, and a second response to an answered one, never reach the bridge', async () => {
    server.before('tools/call', [{ jsonrpc: '2.0', id: 'ghost-1', result: { content: [{ type: 'text', text: 'ghost' }] } }]);
    server.after('tools/call', [{ jsonrpc: '2.0', id: 'asked-1', result: { content: [{ type: 'text', text: 'duplicate' }] } }]);
    bridge.send({ jsonrpc: '2.0', id: 'asked-1', method: 'tools/call', params: { name: 'echo', arguments: { text: 'first' } } });
    const answer = await bridge.nextMatching((line) => line.id === 'asked-1');
    expect(toolText(answer)).toBe('first');
    // Everything the server sent before the ping's answer has been relayed or dropped by now.
    bridge.send({ jsonrpc: '2.0', id: 'after-1', method: 'ping' });
    await bridge.nextMatching((line) => line.id === 'after-1');
    expect(lines().filter((line) => line.id === 'ghost-1')).toEqual([]);
    expect(lines().filter((line) => line.id === 'asked-1')).toHaveLength(1);
    expect(bridge.received).not.toContain('ghost');
    expect(bridge.received).not.toContain('duplicate');
  });
});

describe('keys in what the server echoes', () => {
  it('after a rotation, the old key is scrubbed as well as the new one', async () => {
    expect(toolText(await bridge.request('tools/call', { name: 'echo', arguments: { text: `using ${OLD_KEY}` } }))).toBe(`using ${REDACTED}`);
    await agent.pushCredentials('p', { endpoint: server.url, auth: 'bearer', key: NEW_KEY });
    const echoed = toolText(await bridge.request('tools/call', { name: 'echo', arguments: { text: `was ${OLD_KEY}, now ${NEW_KEY}` } }));
    // The request went out with the new key...
    expect(server.sessions.at(-1)!.authorizations.at(-1)).toBe(`Bearer ${NEW_KEY}`);
    // ...and neither key came back.
    expect(echoed).toBe(`was ${REDACTED}, now ${REDACTED}`);
    expect(bridge.received).not.toContain(OLD_KEY);
    expect(bridge.received).not.toContain(NEW_KEY);
  });
});
