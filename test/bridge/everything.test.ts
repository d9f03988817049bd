// The same features through the built bridge and the real agent against the reference server,
// @modelcontextprotocol/server-everything in its Streamable HTTP mode, behind a vendor-like
// auth gate (UptimeMonitoring rules: Bearer only). Feature by feature.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
import { StreamGuard } from '../../src-main/upstream/stream-guard';
import { startEverythingServer, type EverythingServer } from '../support/everything-server';
import { startAuthGateProxy, type AuthGateProxy } from '../support/auth-gate-proxy';
import { startTestAgent, type TestAgent } from '../support/test-agent';
import { startBridgeClient, type BridgeClient } from '../support/bridge-process';
import { until } from '../support/until';

const KEY = 'umk_live_test_everything_0000001';

let everything: EverythingServer;
let gate: AuthGateProxy;
let agent: TestAgent;
let bridge: BridgeClient;
const logs: LoggingMessageNotification['params'][] = [];
const updated: string[] = [];
let listChanged = 0;
let rootsAsked = 0;
const clientErrors: Error[] = [];

beforeAll(async () => {
  everything = await startEverythingServer();
  gate = await startAuthGateProxy({ vendor: 'uptimemonitoring', keys: [KEY], targetPort: everything.port });
  agent = await startTestAgent({ profiles: { 'mcp-everything': { endpoint: gate.url, auth: 'bearer', key: KEY } } });
  bridge = await startBridgeClient(
    { profile: 'mcp-everything', agentSocket: agent.socketPath },
    { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } },
    (client) => {
      client.setRequestHandler(CreateMessageRequestSchema, async () => ({ model: 'bridge-test-model', role: 'assistant', content: { type: 'text', text: 'sampled through the bridge' } }));
      client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada Lovelace', check: true } }));
      client.setRequestHandler(ListRootsRequestSchema, async () => {
        rootsAsked++;
        return { roots: [{ uri: 'file:///work/bridge-root', name: 'bridge-root' }] };
      });
      client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => void listChanged++);
      client.onerror = (error) => void clientErrors.push(error);
    },
  );
}, 30_000);

afterAll(async () => {
  await bridge?.close();
  await agent?.close();
  await gate?.close();
  await everything?.close();
});

const text = (result: unknown) => (((result as { content?: { text?: string }[] }).content ?? []).map((c) => c.text ?? '').join('\n'));

describe('MCP through the bridge (server-everything behind an auth gate)', () => {
  it('initializes; every request carried exactly the Bearer key', async () => {
    expect(bridge.client.getServerVersion()).toMatchObject({ name: 'mcp-servers/everything' });
    for (const r of gate.requests) expect(r).toMatchObject({ authorization: `Bearer ${KEY}`, xApiKey: undefined });
  });

  it('tools/list_changed sent as the server hears initialized is not lost (GET stream opened first)', async () => {
    await until(() => listChanged > 0, 'tools/list_changed after initialized');
    const { tools } = await bridge.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation', 'trigger-sampling-request', 'trigger-elicitation-request', 'get-roots-list']));
  });

  it('roots: the server asks the client (server→client request on the GET stream) and lists them', async () => {
    await until(() => rootsAsked > 0, 'roots/list from the server');
    expect(text(await bridge.client.callTool({ name: 'get-roots-list', arguments: {} }))).toContain('file:///work/bridge-root');
  });

  it('tools: echo, get-sum, structured content, image', async () => {
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { message: 'through the bridge' } }))).toContain('through the bridge');
    expect(text(await bridge.client.callTool({ name: 'get-sum', arguments: { a: 19, b: 23 } }))).toContain('42');
    const structured = await bridge.client.callTool({ name: 'get-structured-content', arguments: { location: 'New York' } });
    expect(structured.structuredContent).toBeDefined();
    const image = await bridge.client.callTool({ name: 'get-tiny-image', arguments: {} });
    expect((image.content as { type: string }[]).some((c) => c.type === 'image')).toBe(true);
  });

  it('progress: all notifications in order before the result', async () => {
    const seen: Progress[] = [];
    const result = await bridge.client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.5, steps: 5 } }, undefined, {
      onprogress: (p) => void seen.push(p),
    });
    expect(text(result)).toContain('Long running operation completed');
    expect(seen.map((p) => p.progress)).toEqual([1, 2, 3, 4, 5]);
  });

  it('cancellation', async () => {
    const controller = new AbortController();
    let progressCount = 0;
    const call = bridge.client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 10, steps: 50 } }, undefined, {
      signal: controller.signal,
      onprogress: () => {
        if (++progressCount === 2) controller.abort('enough');
      },
    });
    await expect(call).rejects.toThrow(/enough|abort/i);
    await until(() => gate.requests.some((r) => r.rpcMethods.includes('notifications/cancelled')), 'the cancellation upstream');
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { message: 'after cancel' } }))).toContain('after cancel');
  });

  it('sampling and elicitation: server→client requests answered by the client', async () => {
    expect(text(await bridge.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 10 } }))).toContain('sampled through the bridge');
    expect(text(await bridge.client.callTool({ name: 'trigger-elicitation-request', arguments: {} }))).toContain('Ada Lovelace');
  });

  it('resources and templates', async () => {
    const { resources } = await bridge.client.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const first = await bridge.client.readResource({ uri: resources[0]!.uri });
    expect(first.contents.length).toBeGreaterThan(0);
    const { resourceTemplates } = await bridge.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('demo://resource/dynamic/text/{resourceId}');
    const dynamic = await bridge.client.readResource({ uri: 'demo://resource/dynamic/text/3' });
    expect(dynamic.contents[0]).toMatchObject({ uri: 'demo://resource/dynamic/text/3' });
  });

  it('subscriptions: resources/updated arrives', async () => {
    await bridge.client.subscribeResource({ uri: 'demo://resource/dynamic/text/1' });
    await bridge.client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    await until(() => updated.includes('demo://resource/dynamic/text/1'), 'resources/updated');
    await bridge.client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    await bridge.client.unsubscribeResource({ uri: 'demo://resource/dynamic/text/1' });
  });

  it('prompts and completions', async () => {
    const { prompts } = await bridge.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['simple-prompt', 'args-prompt', 'completable-prompt']));
    const prompt = await bridge.client.getPrompt({ name: 'completable-prompt', arguments: { department: 'Engineering', name: 'Alice' } });
    expect(JSON.stringify(prompt.messages)).toContain('Please promote Alice to the head of the Engineering team.');
    const departments = await bridge.client.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'E' } });
    expect(departments.completion.values).toEqual(['Engineering']);
    const names = await bridge.client.complete({
      ref: { type: 'ref/prompt', name: 'completable-prompt' },
      argument: { name: 'name', value: 'A' },
      context: { arguments: { department: 'Engineering' } },
    });
    expect(names.completion.values).toEqual(['Alice']);
  });

  it('logging: setLevel and server log messages', async () => {
    await bridge.client.setLoggingLevel('debug');
    const before = logs.length;
    await bridge.client.callTool({ name: 'toggle-simulated-logging', arguments: {} });
    await until(() => logs.length > before, 'a log message');
    await bridge.client.callTool({ name: 'toggle-simulated-logging', arguments: {} });
  });

  it('an error response is answered once, and its stream is not resumed into a replay', async () => {
    // The agent runs in this process: watch its stream guard decide on GETs.
    const allowsGet = vi.spyOn(StreamGuard.prototype, 'allowsGet');
    try {
      await expect(bridge.client.request({ method: 'no/such-method' } as never, LoggingMessageNotificationSchema as never)).rejects.toThrow(/not found/i);
      // The SDK transport tries to resume that stream ~1 s later (stream-guard.ts, pitfall 1): wait
      // for that attempt and the guard's refusal; the replay must not reach the server.
      const refusedResume = () => allowsGet.mock.calls.some(([lastEventId], i) => lastEventId !== null && allowsGet.mock.results[i]?.value === false);
      await until(refusedResume, "the transport's attempt to resume the answered stream");
    } finally {
      allowsGet.mockRestore();
    }
    expect(gate.requests.filter((r) => r.method === 'GET' && r.lastEventId !== undefined)).toEqual([]);
    expect(text(await bridge.client.callTool({ name: 'echo', arguments: { message: 'still fine' } }))).toContain('still fine');
    const responseIds = bridge
      .stdout()
      .map((line) => JSON.parse(line) as { id?: unknown; method?: string })
      .filter((m) => m.id !== undefined && m.method === undefined)
      .map((m) => m.id);
    expect(new Set(responseIds).size).toBe(responseIds.length);
    expect(clientErrors.map((e) => e.message).filter((m) => /unknown message ID|unknown token/i.test(m))).toEqual([]);
  });
});
