// End to end through the built bridge: the SDK Client over stdio ⇄ dist/bridge.js ⇄ the fake
// vendor (real SDK server over Streamable HTTP), the session carried by the real agent. Every MCP
// feature, in both directions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
  type LoggingMessageNotification,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startTestAgent, type TestAgent } from '../support/test-agent';
import { startBridgeClient, type BridgeClient } from '../support/bridge-process';
import { until } from '../support/until';

const KEY = 'uo_test_features_aaaaaaaaaaaa01';

let vendor: FakeVendor;
let agent: TestAgent;
let bridge: BridgeClient;
const logs: LoggingMessageNotification['params'][] = [];
const updated: string[] = [];
let listChanged = 0;

beforeAll(async () => {
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY] });
  agent = await startTestAgent({ profiles: { 'mcp-claude': { endpoint: vendor.url, auth: 'x-api-key', key: KEY } } });
  bridge = await startBridgeClient(
    { profile: 'mcp-claude', agentSocket: agent.socketPath },
    { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } },
    (client) => {
      client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
        model: 'test-model',
        role: 'assistant',
        content: { type: 'text', text: `sampled: ${JSON.stringify(request.params.messages[0]?.content)}` },
      }));
      client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada' } }));
      client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///work/project', name: 'project' }] }));
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => void listChanged++);
    },
  );
});

afterAll(async () => {
  await bridge?.close();
  await agent?.close();
  await vendor?.close();
});

describe('MCP through the bridge (fake vendor)', () => {
  it('initializes against the vendor with exactly one auth header and the negotiated protocol version', async () => {
    expect(bridge.client.getServerVersion()).toEqual({ name: 'fake-uptimeobserver', version: '1.0.0' });
    const posts = vendor.requests.filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    for (const r of vendor.requests) {
      expect(r.xApiKey).toBe(KEY);
      expect(r.authorization).toBeUndefined();
    }
    const negotiated = (JSON.parse(bridge.stdout()[0]!) as { result: { protocolVersion: string } }).result.protocolVersion;
    expect(negotiated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(posts[0]!.rpcMethods).toEqual(['initialize']);
    for (const r of posts.slice(1)) expect(r.protocolVersion).toBe(negotiated);
    // The GET stream for server-initiated messages is open before the server hears
    // initialized (so nothing it sends then is lost), and only one is opened.
    await until(() => vendor.requests.some((r) => r.rpcMethods.includes('notifications/initialized')), 'initialized');
    const getAt = vendor.requests.findIndex((r) => r.method === 'GET');
    const initializedAt = vendor.requests.findIndex((r) => r.rpcMethods.includes('notifications/initialized'));
    expect(getAt).toBeGreaterThan(0);
    expect(getAt).toBeLessThan(initializedAt);
    expect(vendor.requests[getAt]).toMatchObject({ status: 200, lastEventId: undefined });
    expect(vendor.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('tools: list and call, structured content', async () => {
    const { tools } = await bridge.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'add', 'slow', 'big', 'ask-client', 'add-tool', 'log', 'touch']));
    expect(await bridge.client.callTool({ name: 'echo', arguments: { text: 'héllo ✓' } })).toMatchObject({ content: [{ type: 'text', text: 'héllo ✓' }] });
    expect((await bridge.client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })).structuredContent).toEqual({ sum: 42 });
  });

  it('an unknown method comes back as the server’s own JSON-RPC error', async () => {
    await expect(bridge.client.callTool({ name: 'no-such-tool', arguments: {} })).resolves.toMatchObject({ isError: true });
    await expect(bridge.client.request({ method: 'no/such' } as never, LoggingMessageNotificationSchema as never)).rejects.toThrow(/not found/i);
  });

  it('resources, templates, subscriptions and resources/updated', async () => {
    const { resources } = await bridge.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(['fake://status', 'fake://logo.bin', 'fake://monitors/alpha']));
    expect((await bridge.client.readResource({ uri: 'fake://status' })).contents[0]).toMatchObject({ text: 'all systems up' });
    expect((await bridge.client.readResource({ uri: 'fake://logo.bin' })).contents[0]).toMatchObject({ blob: 'AAEC/w==' });
    const { resourceTemplates } = await bridge.client.listResourceTemplates();
    expect(resourceTemplates[0]?.uriTemplate).toBe('fake://monitors/{id}');
    expect((await bridge.client.readResource({ uri: 'fake://monitors/beta' })).contents[0]).toMatchObject({ text: '{"id":"beta","up":true}' });
    await bridge.client.subscribeResource({ uri: 'fake://status' });
    expect(await bridge.client.callTool({ name: 'touch', arguments: { uri: 'fake://status' } })).toMatchObject({ content: [{ text: 'notified' }] });
    await until(() => updated.includes('fake://status'), 'resources/updated');
    await bridge.client.unsubscribeResource({ uri: 'fake://status' });
    expect(await bridge.client.callTool({ name: 'touch', arguments: { uri: 'fake://status' } })).toMatchObject({ content: [{ text: 'not subscribed' }] });
  });

  it('prompts and completions (prompt argument and template variable)', async () => {
    const { prompts } = await bridge.client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain('greet');
    expect((await bridge.client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } })).messages[0]?.content).toEqual({ type: 'text', text: 'Hello, Ada!' });
    const byPrompt = await bridge.client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'name', value: 'A' } });
    expect(byPrompt.completion.values).toEqual(['Ada', 'Alan']);
    const byTemplate = await bridge.client.complete({ ref: { type: 'ref/resource', uri: 'fake://monitors/{id}' }, argument: { name: 'id', value: 'g' } });
    expect(byTemplate.completion.values).toEqual(['gamma']);
  });

  it('logging: setLevel, then log messages arrive', async () => {
    await bridge.client.setLoggingLevel('info');
    await bridge.client.callTool({ name: 'log', arguments: { level: 'debug', text: 'too quiet' } });
    await bridge.client.callTool({ name: 'log', arguments: { level: 'warning', text: 'disk nearly full' } });
    await until(() => logs.some((l) => l.data === 'disk nearly full'), 'the warning log');
    expect(logs.some((l) => l.data === 'too quiet')).toBe(false);
  });

  it('progress: every notification, in order, before the result', async () => {
    const seen: Progress[] = [];
    const result = await bridge.client.callTool({ name: 'slow', arguments: { steps: 20, intervalMs: 0 } }, undefined, {
      onprogress: (p) => void seen.push(p),
    });
    expect(result).toMatchObject({ content: [{ text: 'done 20' }] });
    expect(seen.map((p) => p.progress)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('cancellation reaches the server and the request gets no late answer', async () => {
    const controller = new AbortController();
    const seen: Progress[] = [];
    const call = bridge.client.callTool({ name: 'slow', arguments: { steps: 50, intervalMs: 40 } }, undefined, {
      signal: controller.signal,
      onprogress: (p) => {
        seen.push(p);
        if (seen.length === 2) controller.abort('user stop');
      },
    });
    await expect(call).rejects.toThrow(/user stop|abort/i);
    await until(() => vendor.requests.some((r) => r.rpcMethods.includes('notifications/cancelled')), 'notifications/cancelled upstream');
    // The session still works afterwards.
    expect(await bridge.client.callTool({ name: 'echo', arguments: { text: 'after' } })).toMatchObject({ content: [{ text: 'after' }] });
  });

  it('sampling, elicitation and roots: server→client requests and the answers', async () => {
    const sampling = await bridge.client.callTool({ name: 'ask-client', arguments: { kind: 'sampling' } });
    expect(JSON.parse((sampling.content as { text: string }[])[0]!.text)).toMatchObject({ model: 'test-model', content: { text: 'sampled: {"type":"text","text":"Say hi"}' } });
    const elicitation = await bridge.client.callTool({ name: 'ask-client', arguments: { kind: 'elicitation' } });
    expect(JSON.parse((elicitation.content as { text: string }[])[0]!.text)).toEqual({ action: 'accept', content: { name: 'Ada' } });
    const roots = await bridge.client.callTool({ name: 'ask-client', arguments: { kind: 'roots' } });
    expect(JSON.parse((roots.content as { text: string }[])[0]!.text)).toEqual({ roots: [{ uri: 'file:///work/project', name: 'project' }] });
  });

  it('tools/list_changed arrives on the GET stream; the new tool is callable', async () => {
    const before = listChanged;
    await bridge.client.callTool({ name: 'add-tool', arguments: { name: 'fresh' } });
    await until(() => listChanged > before, 'tools/list_changed');
    vendor.notifyToolListChanged();
    await until(() => listChanged > before + 1, 'a list_changed sent outside any request');
    expect((await bridge.client.listTools()).tools.map((t) => t.name)).toContain('fresh');
    expect(await bridge.client.callTool({ name: 'fresh', arguments: {} })).toMatchObject({ content: [{ text: 'I am fresh' }] });
  });

  it('a dropped request stream is resumed (Last-Event-ID) and the result still arrives', async () => {
    const seen: Progress[] = [];
    const mark = vendor.requests.length;
    const result = await bridge.client.callTool({ name: 'drop-stream', arguments: { afterMs: 300 } }, undefined, { onprogress: (p) => void seen.push(p) });
    expect(result).toMatchObject({ content: [{ text: 'finished after the drop' }] });
    expect(seen.map((p) => p.progress)).toEqual([1, 2]);
    expect(vendor.requests.slice(mark).filter((r) => r.method === 'GET' && r.lastEventId !== undefined).length).toBeGreaterThan(0);
  });

  it('a 1 MB result arrives whole', async () => {
    const result = await bridge.client.callTool({ name: 'big', arguments: { bytes: 1024 * 1024 } });
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text.length).toBe(1024 * 1024);
    expect(/^x+$/.test(text)).toBe(true);
  });

  it('ping, and concurrent requests each get their own answer', async () => {
    await expect(bridge.client.ping()).resolves.toEqual({});
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => bridge.client.callTool({ name: 'add', arguments: { a: i, b: 1 } })));
    expect(answers.map((a) => (a.structuredContent as { sum: number }).sum)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('the agent shows the live session: the assistant, its requests, the vendor answering', async () => {
    const working = () => agent.sessions().find((v) => v.upstream === 'ok' && v.requests > 10);
    await until(() => working() !== undefined, 'a session that works');
    const view = working()!;
    expect(view).toMatchObject({ profile: 'mcp-claude', errors: 0, lastError: null });
    // The name comes from the OS (the bridge's parent is this test process), not from initialize.
    expect(view.client.pid).toBe(process.pid);
    expect(view.client.name).not.toBe('bridge-test');
  });
});
