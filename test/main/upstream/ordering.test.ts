// Issue 11, item 5: two bugs seen against servers no one here wrote, each against a real small
// server that behaves that way (the SDK's McpServer + StreamableHTTPServerTransport, wrapped),
// driven end to end as an assistant would: SDK Client over stdio → dist/bridge.js → the real
// agent → the server.
//
// (a) A server that registers tools when it hears `notifications/initialized`: a `tools/list`
//     sent right after initialized must list them. Before the fix, initialized waited while the
//     GET stream opened and the tools/list overtook it.
// (b) A server (or proxy: compression middleware does this) that sends the GET stream's response
//     headers only with its first event: initialized must still be sent, and after the session
//     expires (404) the re-initialization must not hang.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ToolListChangedNotificationSchema, isInitializeRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { startBridgeClient, type BridgeClient } from '../../support/bridge-process';
import { startTestAgent, type TestAgent } from '../../support/test-agent';
import { stopAfterTest } from '../../support/stop-after-test';
import { until } from '../../support/until';

const KEY = 'uo_test_ordering_aaaaaaaaaaaa01';
const PROFILE = 'ordering';

/** When the GET stream's response head goes out. */
type GetHeaders = 'at-once' | { afterMs: number } | 'with-first-event';

interface OrderingServerOptions {
  getHeaders: GetHeaders;
  /** Registers more tools when the server hears notifications/initialized. */
  registerOnInitialized?: boolean;
  /** Holds the POST that carries notifications/initialized this long before handling it. */
  initializedDelayMs?: number;
}

interface OrderingServer {
  readonly url: string;
  /** Every JSON-RPC message the MCP layer received, in order, with its session. */
  readonly received: { session: string; method: string }[];
  /** Auth headers of every HTTP request. */
  readonly auth: (string | undefined)[];
  readonly gets: { session: string | undefined; headersSent: boolean }[];
  readonly statuses: number[];
  /** Forgets every session: the next request with an old session id gets 404. */
  expire(): Promise<void>;
  /** tools/list_changed to every session, outside any request (the GET stream). */
  notifyToolListChanged(): void;
  close(): Promise<void>;
}

async function startOrderingServer(options: OrderingServerOptions): Promise<OrderingServer> {
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; mcp: McpServer }>();
  const received: OrderingServer['received'] = [];
  const auth: OrderingServer['auth'] = [];
  const gets: OrderingServer['gets'] = [];
  const statuses: number[] = [];

  const newSession = async () => {
    const mcp = new McpServer({ name: 'ordering-server', version: '1.0.0' });
    mcp.registerTool('early', { description: 'Registered at start' }, async () => ({ content: [{ type: 'text', text: 'early' }] }));
    if (options.registerOnInitialized) {
      mcp.server.oninitialized = () => {
        for (const name of ['late-1', 'late-2']) mcp.registerTool(name, { description: 'Registered on initialized' }, async () => ({ content: [{ type: 'text', text: name }] }));
      };
    }
    const ref: { id?: string } = {};
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        ref.id = id;
        sessions.set(id, { transport, mcp });
      },
    });
    transport.onclose = () => {
      if (ref.id && sessions.get(ref.id)?.transport === transport) sessions.delete(ref.id);
    };
    await mcp.connect(transport);
    // Record what the MCP layer hears, in the order it hears it.
    const deliver = transport.onmessage;
    transport.onmessage = (message: JSONRPCMessage, extra) => {
      if ('method' in message) received.push({ session: ref.id ?? '(none)', method: message.method });
      deliver?.(message, extra);
    };
    return transport;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    auth.push(req.headers.authorization ?? req.headers['x-api-key']?.toString());
    res.on('finish', () => statuses.push(res.statusCode));
    const session = req.headers['mcp-session-id']?.toString();
    let body: unknown;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const messages = (Array.isArray(body) ? body : [body]) as { method?: string }[];
      if (options.initializedDelayMs && messages.some((m) => m.method === 'notifications/initialized')) {
        await new Promise((r) => setTimeout(r, options.initializedDelayMs));
      }
    }
    if (req.method === 'GET') {
      const get = { session, headersSent: false };
      gets.push(get);
      holdResponseHead(res, options.getHeaders, () => (get.headersSent = true));
    }
    if (session !== undefined) {
      const found = sessions.get(session);
      if (!found) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
        return;
      }
      await found.transport.handleRequest(req, res, body);
      return;
    }
    if (req.method === 'POST' && isInitializeRequest(body)) {
      await (await newSession()).handleRequest(req, res, body);
      return;
    }
    res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'No session' }, id: null }));
  };

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const expire = async () => {
    const all = [...sessions.values()];
    sessions.clear();
    await Promise.all(all.map(({ mcp }) => mcp.close().catch(() => undefined)));
  };
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    received,
    auth,
    gets,
    statuses,
    expire,
    notifyToolListChanged() {
      for (const { mcp } of sessions.values()) mcp.sendToolListChanged();
    },
    async close() {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      await expire();
      http.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Holds a response's head the way a buffering proxy or compression middleware does: flushHeaders
 * does nothing, and the head goes out with the first body bytes (`with-first-event`) or after a
 * while, with whatever was written meanwhile (`afterMs`). Node sends a head that was not flushed
 * with the first write, so empty writes are swallowed until then.
 */
function holdResponseHead(res: ServerResponse, when: GetHeaders, onSent: () => void): void {
  if (when === 'at-once') {
    const flush = res.flushHeaders.bind(res);
    res.flushHeaders = () => {
      onSent();
      flush();
    };
    return;
  }
  type WriteArgs = Parameters<ServerResponse['write']>;
  const write = res.write.bind(res) as (...args: WriteArgs) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const flush = res.flushHeaders.bind(res);
  const queued: WriteArgs[] = [];
  let open = false;
  const letGo = () => {
    if (open) return;
    open = true;
    onSent();
    if (queued.length === 0 && !res.writableEnded) flush();
    for (const args of queued.splice(0)) write(...args);
  };
  const isEmpty = (chunk: unknown) => (typeof chunk === 'string' || chunk instanceof Uint8Array) && chunk.length === 0;
  res.flushHeaders = () => undefined;
  res.write = ((...args: WriteArgs) => {
    if (open) return write(...args);
    if (isEmpty(args[0])) return true;
    if (when === 'with-first-event') {
      letGo();
      return write(...args);
    }
    queued.push(args);
    return true;
  }) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => {
    if (!open) {
      open = true;
      for (const queuedArgs of queued.splice(0)) write(...queuedArgs);
    }
    return end(...args);
  }) as ServerResponse['end'];
  if (typeof when === 'object') {
    const timer = setTimeout(letGo, when.afterMs);
    res.once('close', () => clearTimeout(timer));
  }
}

async function connect(server: OrderingServer, onListChanged?: () => void): Promise<{ agent: TestAgent; bridge: BridgeClient }> {
  stopAfterTest(server);
  const agent = stopAfterTest(await startTestAgent({ profiles: { [PROFILE]: { endpoint: server.url, auth: 'bearer', key: KEY } } }));
  const bridge = stopAfterTest(
    await startBridgeClient({ profile: PROFILE, agentSocket: agent.socketPath, logLevel: 'warn' }, { capabilities: { roots: { listChanged: true } } }, (client) => {
      if (onListChanged) client.setNotificationHandler(ToolListChangedNotificationSchema, onListChanged);
    }),
  );
  return { agent, bridge };
}

const methodsOf = (server: OrderingServer, session: string) => server.received.filter((r) => r.session === session).map((r) => r.method);
const sessionsOf = (server: OrderingServer) => [...new Set(server.received.map((r) => r.session))];

describe('(a) a server that registers tools when it hears initialized', () => {
  it('a tools/list sent right after initialized lists them: initialized reaches the server first, though the GET stream opens slowly', async () => {
    // The GET's head comes late, and the server is slow to act on initialized: a tools/list let
    // through before initialized was accepted would be answered first, with one tool.
    const server = await startOrderingServer({ getHeaders: { afterMs: 300 }, registerOnInitialized: true, initializedDelayMs: 150 });
    let listChanged = 0;
    const { bridge } = await connect(server, () => void listChanged++);
    const { tools } = await bridge.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['early', 'late-1', 'late-2']);

    const [session] = sessionsOf(server);
    expect(methodsOf(server, session!)).toEqual(['initialize', 'notifications/initialized', 'tools/list']);
    // The list_changed the server sent as it registered them came through the GET stream.
    await until(() => listChanged > 0, 'tools/list_changed');
    expect(server.gets).toEqual([{ session, headersSent: true }]);
    expect(server.auth.every((a) => a === `Bearer ${KEY}`)).toBe(true);
    expect(bridge.stdout().some((line) => line.includes(KEY))).toBe(false);
  });

  it('a burst of notifications and requests reaches the server in the order the assistant sent them', async () => {
    const server = await startOrderingServer({ getHeaders: { afterMs: 300 }, registerOnInitialized: true, initializedDelayMs: 100 });
    const { bridge } = await connect(server);
    const { client } = bridge;
    // Each notification waits for the message before it to be accepted; each request for the
    // one before it to be on its way.
    const sent = [
      client.sendRootsListChanged(),
      client.listTools(),
      client.sendRootsListChanged(),
      client.callTool({ name: 'late-1' }),
      client.sendRootsListChanged(),
      client.ping(),
    ];
    await Promise.all(sent);
    const [session] = sessionsOf(server);
    const heard = methodsOf(server, session!);
    expect(heard.slice(0, 3)).toEqual(['initialize', 'notifications/initialized', 'notifications/roots/list_changed']);
    expect(heard.filter((m) => m !== 'notifications/roots/list_changed')).toEqual(['initialize', 'notifications/initialized', 'tools/list', 'tools/call', 'ping']);
    expect(heard.filter((m) => m === 'notifications/roots/list_changed')).toHaveLength(3);
    // Every notification after the first came after the request sent before it.
    expect(heard.indexOf('tools/list')).toBeLessThan(heard.indexOf('notifications/roots/list_changed', heard.indexOf('notifications/roots/list_changed') + 1));
  });
});

describe('(b) a server that sends the GET stream\'s headers only with its first event', () => {
  it('initialized is sent without waiting for them, the session works, and a server message then opens them', async () => {
    const server = await startOrderingServer({ getHeaders: 'with-first-event' });
    let listChanged = 0;
    const { bridge } = await connect(server, () => void listChanged++);
    expect((await bridge.client.callTool({ name: 'early' }, undefined, { timeout: 8000 })).content).toEqual([{ type: 'text', text: 'early' }]);
    const [session] = sessionsOf(server);
    expect(methodsOf(server, session!)).toEqual(['initialize', 'notifications/initialized', 'tools/call']);
    // The GET stream was asked for once and is still waiting for its head.
    expect(server.gets).toEqual([{ session, headersSent: false }]);

    server.notifyToolListChanged();
    await until(() => listChanged === 1, 'tools/list_changed through the GET stream');
    expect(server.gets).toEqual([{ session, headersSent: true }]);
  });

  it('after the session expires (404), the re-initialization does not hang and the request is answered', async () => {
    const server = await startOrderingServer({ getHeaders: 'with-first-event' });
    let listChanged = 0;
    const { bridge } = await connect(server, () => void listChanged++);
    expect((await bridge.client.listTools(undefined, { timeout: 8000 })).tools.map((t) => t.name)).toEqual(['early']);
    const [first] = sessionsOf(server);

    await server.expire();
    const started = Date.now();
    const result = await bridge.client.callTool({ name: 'early' }, undefined, { timeout: 8000 });
    expect(result.content).toEqual([{ type: 'text', text: 'early' }]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.statuses).toContain(404);

    const second = sessionsOf(server).find((s) => s !== first)!;
    expect(second).toBeDefined();
    // The assistant's own initialize again, then initialized, then the request that got 404.
    expect(methodsOf(server, first!)).toEqual(['initialize', 'notifications/initialized', 'tools/list']);
    expect(methodsOf(server, second)).toEqual(['initialize', 'notifications/initialized', 'tools/call']);
    // The new session's GET stream works once the server has something to say.
    server.notifyToolListChanged();
    await until(() => listChanged === 1, 'tools/list_changed on the new session');
    expect(server.gets.filter((g) => g.session === second)).toEqual([{ session: second, headersSent: true }]);
    // The assistant saw one answer per request and nothing of the replayed initialize.
    const ids = bridge.stdout().map((line) => (JSON.parse(line) as { id?: unknown }).id).filter((id) => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
