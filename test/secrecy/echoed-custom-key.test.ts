// Secrecy with a careless server: a custom key (no vendor prefix, nothing a pattern could
// know) that the server echoes back in its 401 and 500 bodies — during add, verify, verify-all
// and rotate through the IPC table, and in the middle of a bridge session. Then scan every
// place the tray keeps or sends text: every file under the temp root (the vault file with its
// lastCheck included), the activity log, the notices, the desktop notifications, every IPC
// result and error and every event, the live sessions view, and what the assistant got from
// the bridge. The key may appear only in the header the server received (and echoed).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../src-main/app/create-app';
import { createInvoker, createIpcHandlers, subscribeCoreEvents, type Invoker } from '../../src-main/app/ipc-handlers';
import type { ActivityEvent, InvokeResult } from '../../src-shared/ipc-contract';
import { startEchoFront, type EchoAnswer, type EchoFront } from '../support/echo-front';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startCoreHarness, type CoreHarness } from '../main/app/core-harness';

const SECRET_1 = randomBytes(12).toString('hex');
const SECRET_2 = randomBytes(12).toString('hex');
const KEY = `sk-test-custom-${SECRET_1}`;
const NEW_KEY = `sk-test-custom-${SECRET_2}`;
const PROFILE = 'custom-echo';

/** The keys as text, base64 and hex, and their random parts alone (a key cut short still leaks them). */
const NEEDLES = [KEY, NEW_KEY, SECRET_1, SECRET_2].flatMap((s) => {
  const utf8 = Buffer.from(s, 'utf8');
  return [utf8, Buffer.from(utf8.toString('base64')), Buffer.from(utf8.toString('hex'))];
});
const leaks = (bytes: Buffer | string): boolean => {
  const haystack = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return NEEDLES.some((needle) => haystack.includes(needle));
};

/** A 401 in UptimeMonitoring's shape (JSON sent as text/plain) that quotes the key it got. */
const echo401: EchoAnswer = { status: 401, body: (key) => JSON.stringify({ error: `invalid credentials: no account has the key ${key}` }) };
/** A 500 that dumps what it was handling into a plain-text body. */
const echo500: EchoAnswer = { status: 500, body: (key) => `Internal Server Error\nwhile looking up token=${key} in accounts` };

let vendor: FakeVendor;
let front: EchoFront;
let harness: CoreHarness;
let invoke: Invoker;
let unsubscribe: () => void;
const ipcResults: { channel: string; result: InvokeResult<unknown> }[] = [];
const events: { channel: string; payload: unknown }[] = [];
const notifications: Notification[] = [];
const bridgeStdout: string[] = [];
let bridgeStderr = '';
const toolErrors: string[] = [];
let verifyMessages: string[] = [];

/** Resolves once `check` holds, re-checked on every notification and activity event. */
const waiters = new Set<() => void>();
const changed = () => {
  for (const wake of [...waiters]) wake();
};
function when(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      if (!check()) return;
      waiters.delete(wake);
      resolve();
    };
    waiters.add(wake);
    wake();
  });
}

async function call(channel: string, ...args: unknown[]): Promise<InvokeResult<unknown>> {
  const result = await invoke(channel, args);
  ipcResults.push({ channel, result });
  return result;
}
async function ok(channel: string, ...args: unknown[]): Promise<unknown> {
  const result = await call(channel, ...args);
  if (!result.ok) throw new Error(`${channel}: ${result.error}`);
  return result.value;
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

beforeAll(async () => {
  vendor = await startFakeVendor({ vendor: 'uptimemonitoring', keys: [KEY, NEW_KEY] });
  front = await startEchoFront({ port: vendor.port });
  harness = await startCoreHarness({
    notify: (notification) => {
      notifications.push(notification);
      changed();
    },
  });
  await harness.core.start();
  invoke = createInvoker(createIpcHandlers(harness.core));
  unsubscribe = subscribeCoreEvents(harness.core, (channel, payload) => {
    events.push({ channel, payload });
    changed();
  });
  const profile = { name: PROFILE, vendor: 'custom', endpoint: front.url, auth: 'bearer', keyPrefix: null, note: '', key: { source: 'typed', key: KEY } };

  // 1. Through the IPC table, as the settings window does; each refusal echoes the key sent.
  front.echoNext(echo401);
  const refusedAdd = await call('profiles:add', profile);
  expect(refusedAdd.ok).toBe(false);
  await ok('profiles:add', profile);
  front.echoNext(echo401);
  const verify401 = (await ok('profiles:verify', PROFILE)) as { ok: boolean; message?: string };
  front.echoNext(echo500);
  const verify500 = (await ok('profiles:verify', PROFILE)) as { ok: boolean; message?: string };
  front.echoNext(echo500);
  const all = (await ok('profiles:verify-all')) as { result: { message?: string } }[];
  front.echoNext(echo401);
  const refusedRotate = await call('profiles:rotate', { name: PROFILE, key: { source: 'typed', key: NEW_KEY } });
  expect(refusedRotate.ok).toBe(false);
  verifyMessages = [verify401.message ?? '', verify500.message ?? '', all[0]?.result.message ?? '', refusedAdd.ok ? '' : refusedAdd.error, refusedRotate.ok ? '' : refusedRotate.error];

  // 2. A bridge session, run exactly as Claude Desktop's config entry says.
  const clients = (await ok('clients:list')) as { id: string; configPath: string }[];
  const claude = clients.find((c) => c.id === 'claude-desktop')!;
  await mkdir(dirname(claude.configPath), { recursive: true });
  await ok('clients:connect', { client: 'claude-desktop', profile: PROFILE });
  const config = JSON.parse(await readFile(claude.configPath, 'utf8')) as { mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }> };
  const entry = config.mcpServers[`keybridge-${PROFILE}`]!;
  const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { HOME: harness.homeDir, PATH: process.env.PATH ?? '', ...entry.env }, stderr: 'pipe' });
  transport.stderr?.on('data', (chunk: Buffer) => {
    bridgeStderr += chunk.toString('utf8');
  });
  const start = transport.start.bind(transport);
  transport.start = async () => {
    const onmessage = transport.onmessage;
    transport.onmessage = (message: JSONRPCMessage) => {
      bridgeStdout.push(JSON.stringify(message));
      onmessage?.(message);
    };
    await start();
  };
  const client = new Client({ name: 'secrecy-echo', version: '1' });
  await client.connect(transport);
  const echo = (text: string) => client.callTool({ name: 'echo', arguments: { text } });
  const failing = async (answer: EchoAnswer) => {
    front.echoNext(answer);
    await echo('refused').then(
      (result) => toolErrors.push(JSON.stringify(result)),
      (error: unknown) => toolErrors.push(error instanceof Error ? error.message : String(error)),
    );
  };
  await echo('one');
  // The key refused mid-session (401 echoing it): the user is told on the desktop.
  await failing(echo401);
  await when(() => notifications.some((n) => n.title === 'Key rejected'));
  // Working again, then the server fails with a 500 that dumps the key: the activity log says so.
  await echo('two');
  await failing(echo500);
  const said500 = (e: { channel: string; payload: unknown }) => e.channel === 'activity:event' && (e.payload as ActivityEvent).message.includes('500');
  await when(() => events.some(said500));

  // 3. A rotation that works, under the live bridge, and the new key echoed too.
  await ok('profiles:rotate', { name: PROFILE, key: { source: 'typed', key: NEW_KEY } });
  await echo('three');
  await failing(echo401);
  front.echoNext(echo401);
  verifyMessages.push(((await ok('profiles:verify', PROFILE)) as { message?: string }).message ?? '');
  for (const channel of ['profiles:list', 'activity:sessions', 'activity:events', 'notices:list']) await ok(channel);
  await client.close();
}, 120_000);

afterAll(async () => {
  unsubscribe?.();
  await harness?.close();
  await front?.close();
  await vendor?.close();
});

describe('secrecy: a custom key the server echoes back', () => {
  it('really was echoed, in 401 and 500 bodies, through every path', () => {
    expect(front.echoed).toBe(9);
    // The vendor's words arrived, with the key cut out of them.
    expect(verifyMessages.filter((m) => m.includes('[redacted]')).length).toBe(verifyMessages.length);
    expect(verifyMessages.some((m) => m.includes('invalid credentials'))).toBe(true);
    expect(verifyMessages.some((m) => m.includes('500'))).toBe(true);
    expect(toolErrors).toHaveLength(3);
    expect(notifications.some((n) => n.title === 'Key rejected')).toBe(true);
  });

  it('is in no file under the temp HOME and user data (the vault file with its last check included)', async () => {
    const scanned: string[] = [];
    const leaking: string[] = [];
    for await (const file of filesUnder(harness.root)) {
      scanned.push(file);
      if (leaks(await readFile(file))) leaking.push(file);
    }
    const vaultFile = scanned.find((f) => f.endsWith('keybridge-vault.json'))!;
    expect(JSON.parse(await readFile(vaultFile, 'utf8')).profiles[0].lastCheck.message).toContain('[redacted]');
    expect(leaking).toEqual([]);
  });

  it('is in no activity event, notice or desktop notification', async () => {
    const log = await harness.core.activity.events();
    expect(log.some((e) => e.message.includes('[redacted]'))).toBe(true);
    expect(log.filter((e) => leaks(e.message))).toEqual([]);
    expect((await harness.core.notices.list()).filter((n) => leaks(n.message))).toEqual([]);
    expect(notifications.filter((n) => leaks(n.title) || leaks(n.body))).toEqual([]);
  });

  it('is in no IPC result or error, no event, and not the live sessions view', async () => {
    expect(ipcResults.filter((r) => leaks(JSON.stringify(r.result))).map((r) => r.channel)).toEqual([]);
    expect(events.filter((e) => leaks(JSON.stringify(e.payload))).map((e) => e.channel)).toEqual([]);
    expect(leaks(JSON.stringify(await harness.core.activity.sessions()))).toBe(false);
  });

  it('is not in what the assistant got from the bridge', () => {
    expect(toolErrors.filter(leaks)).toEqual([]);
    expect(bridgeStdout.filter(leaks)).toEqual([]);
    expect(leaks(bridgeStderr)).toBe(false);
  });
});
