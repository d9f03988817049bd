// Secrecy, end to end, with keys unique to this run: add a key through the IPC handler table
// of a real app core (temp HOME and userData, AES-GCM test cipher, real agent socket), verify
// it, connect every assistant (config files on the temp HOME), run the bridge exactly as an
// assistant's config entry says, call tools (one echoes the auth headers back), rotate under
// a live bridge, read the live view — then scan every byte: every file under the temp root,
// the bridge's stdout and stderr, the argv and environment of every process on the machine
// while the bridge ran, the config files, every IPC result and event, the agent's live view.
// Then a plaintext key found in an assistant config is moved into KeyBridge (its backups too).
// The only place a key may appear is the HTTP header the fake vendor received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { InvokeResult } from '../../src-shared/ipc-contract';
import { createInvoker, createIpcHandlers, subscribeCoreEvents, type Invoker } from '../../src-main/app/ipc-handlers';
import { startFakeVendor, type FakeVendor } from '../support/fake-vendor';
import { startCoreHarness, type CoreHarness } from '../main/app/core-harness';
import { scanProcessMemory, type MemoryScan } from '../support/process-memory';

const KEY = `umk_live_test${randomBytes(16).toString('hex')}`;
const NEW_KEY = `umk_live_test${randomBytes(16).toString('hex')}`;
/** A plaintext key found in an assistant's config and moved into KeyBridge. */
const MOVED_KEY = `uo_test${randomBytes(16).toString('hex')}`;
const PROFILE = 'mcp-secret';

/** Every way a key could be written down: as text, base64, base64url, hex, UTF-16. */
function needles(key: string): Buffer[] {
  const utf8 = Buffer.from(key, 'utf8');
  return [utf8, Buffer.from(utf8.toString('base64')), Buffer.from(utf8.toString('base64url')), Buffer.from(utf8.toString('hex')), Buffer.from(key, 'utf16le')];
}
const NEEDLES = [...needles(KEY), ...needles(NEW_KEY), ...needles(MOVED_KEY)];
const leaks = (bytes: Buffer | string): boolean => {
  const haystack = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return NEEDLES.some((needle) => haystack.includes(needle));
};

let vendor: FakeVendor;
let harness: CoreHarness;
let invoke: Invoker;
const ipcResults: { channel: string; result: InvokeResult<unknown> }[] = [];
const events: unknown[] = [];
let unsubscribe: () => void;
/** argv/environ of processes seen while the bridge ran, where they carried a key: `pid kind`. */
const processLeaks: string[] = [];
let processesScanned = 0;
const bridgeStdout: string[] = [];
let bridgeStderr = '';
let whoami = '';
let whoamiAfterRotation = '';
let bridgeMemory: MemoryScan | null = null;

async function call(channel: string, ...args: unknown[]): Promise<unknown> {
  const result = await invoke(channel, args);
  ipcResults.push({ channel, result });
  if (!result.ok) throw new Error(`${channel}: ${result.error}`);
  return result.value;
}

/** Reads argv and environ of every process on the machine (ours and our children included). */
function scanProcesses(): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const kind of ['cmdline', 'environ']) {
      try {
        const bytes = readFileSync(`/proc/${entry}/${kind}`);
        processesScanned++;
        if (leaks(bytes)) processLeaks.push(`${entry} ${kind}`);
      } catch {
        // exited meanwhile, or not ours to read
      }
    }
  }
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

beforeAll(async () => {
  vendor = await startFakeVendor({ vendor: 'uptimemonitoring', keys: [KEY] });
  harness = await startCoreHarness();
  await harness.core.start();
  invoke = createInvoker(createIpcHandlers(harness.core));
  unsubscribe = subscribeCoreEvents(harness.core, (channel, payload) => void events.push({ channel, payload }));

  // 1. Add and verify through the IPC table, as the settings window does.
  await call('profiles:add', { name: PROFILE, vendor: 'uptimemonitoring', endpoint: vendor.url, auth: 'bearer', key: { source: 'typed', key: KEY } });
  await call('profiles:verify', PROFILE);

  // 2. Connect every assistant whose config folder exists (create them on the temp HOME).
  const clients = (await call('clients:list')) as { id: string; configPath: string }[];
  await mkdir(join(harness.homeDir, '.claude'), { recursive: true }); // Claude Code's marker folder
  for (const client of clients) {
    await mkdir(dirname(client.configPath), { recursive: true });
    await call('clients:connect', { client: client.id, profile: PROFILE });
    await call('clients:snippet', { client: client.id, profile: PROFILE });
  }

  // 3. Run the bridge exactly as Claude Desktop's config entry says.
  const claude = clients.find((c) => c.id === 'claude-desktop') ?? clients[0]!;
  const config = JSON.parse(await readFile(claude.configPath, 'utf8')) as { mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }> };
  const entry = config.mcpServers[`keybridge-${PROFILE}`];
  expect(entry).toBeDefined();
  const transport = new StdioClientTransport({
    command: entry!.command,
    args: entry!.args,
    env: { HOME: harness.homeDir, PATH: process.env.PATH ?? '', ...entry!.env },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    bridgeStderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'secrecy', version: '1' });
  const start = transport.start.bind(transport);
  transport.start = async () => {
    const onmessage = transport.onmessage;
    transport.onmessage = (message: JSONRPCMessage) => {
      bridgeStdout.push(JSON.stringify(message));
      onmessage?.(message);
    };
    await start();
  };
  await client.connect(transport);
  scanProcesses();
  const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]!.text;
  expect(text(await client.callTool({ name: 'echo', arguments: { text: 'one' } }))).toBe('one');
  whoami = text(await client.callTool({ name: 'whoami', arguments: {} }));
  await call('activity:sessions');

  // 4. Rotate under the live bridge (the vendor issues the new key first).
  vendor.rotate(KEY, NEW_KEY);
  // rotate() resolves once the sessions in progress use the new key: no waiting needed.
  await call('profiles:rotate', { name: PROFILE, key: { source: 'typed', key: NEW_KEY } });
  expect(text(await client.callTool({ name: 'echo', arguments: { text: 'two' } }))).toBe('two');
  whoamiAfterRotation = text(await client.callTool({ name: 'whoami', arguments: {} }));
  scanProcesses();
  // The bridge process's whole memory, read as a debugger would, after both keys were used.
  bridgeMemory = scanProcessMemory(transport.pid!, NEEDLES);
  for (const channel of ['profiles:list', 'activity:sessions', 'activity:events', 'notices:list', 'settings:get', 'settings:storage', 'clients:list', 'migration:scan']) {
    await call(channel);
  }
  await call('profiles:test-connection', PROFILE);
  await client.close();

  // 5. A plaintext key in Cursor's config, moved into KeyBridge (the file is backed up first).
  const cursor = clients.find((c) => c.id === 'cursor')!;
  const cursorConfig = JSON.parse(await readFile(cursor.configPath, 'utf8')) as { mcpServers: Record<string, unknown> };
  cursorConfig.mcpServers.uo = { url: 'https://mcp.uptimeobserver.com/mcp', headers: { 'X-API-Key': MOVED_KEY } };
  await writeFile(cursor.configPath, JSON.stringify(cursorConfig, null, 2));
  const { findings } = (await call('migration:scan')) as { findings: { id: string; client: string }[] };
  await call('migration:migrate', { findingId: findings.find((f) => f.client === 'cursor')!.id, profile: 'moved' });
}, 120_000);

afterAll(async () => {
  unsubscribe?.();
  await harness?.close();
  await vendor?.close();
});

describe('secrecy: the keys appear nowhere but the vendor-bound header', () => {
  it('the flows really ran with both keys (the vendor saw each in its Authorization header)', () => {
    expect(vendor.requests.some((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(vendor.requests.some((r) => r.authorization === `Bearer ${NEW_KEY}`)).toBe(true);
    expect(ipcResults.every((r) => r.result.ok)).toBe(true);
  });

  it('no file under the temp HOME and user data holds a key in any encoding (only ciphertext)', async () => {
    const scanned: string[] = [];
    const leaking: string[] = [];
    for await (const file of filesUnder(harness.root)) {
      if ((await stat(file)).size > 50 * 1024 * 1024) continue;
      scanned.push(file);
      if (leaks(await readFile(file))) leaking.push(file);
    }
    expect(scanned.some((f) => f.endsWith('keybridge-vault.json'))).toBe(true);
    expect(scanned.some((f) => f.includes('mcp.json.keybridge-backup-'))).toBe(true);
    expect(scanned.filter((f) => f.startsWith(harness.homeDir)).length).toBeGreaterThan(3);
    expect(leaking).toEqual([]);
  });

  it("the bridge's stdout and stderr never carry a key (the echoed auth header is redacted)", () => {
    expect(bridgeStdout.length).toBeGreaterThan(3);
    expect(whoami).toContain('[redacted]');
    // After a rotation the agent scrubs the old key and the new one alike.
    expect(whoamiAfterRotation).toContain('[redacted]');
    expect(bridgeStdout.filter((line) => leaks(line))).toEqual([]);
    expect(leaks(bridgeStderr)).toBe(false);
  });

  it("the bridge process's memory never holds a key (read from /proc/<pid>/mem)", () => {
    expect(bridgeMemory).not.toBeNull();
    expect(bridgeMemory!.bytes).toBeGreaterThan(10_000_000);
    expect(bridgeMemory!.found).toEqual([]);
  });

  it('the memory scan finds a key where one is held (so the check above can fail)', async () => {
    const holder = spawn(process.execPath, ['-e', 'let k="";process.stdin.on("data",(d)=>{k+=d;process.stdout.write("held\\n")});setInterval(()=>k.length,1000)'], { stdio: ['pipe', 'pipe', 'ignore'] });
    try {
      const held = new Promise((resolve) => holder.stdout.once('data', resolve));
      holder.stdin.write(KEY);
      await held;
      expect(scanProcessMemory(holder.pid!, NEEDLES).found).toContain(0);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('no process on the machine had a key in its argv or environment while the bridge ran', () => {
    expect(processesScanned).toBeGreaterThan(10);
    expect(processLeaks).toEqual([]);
  });

  it('no IPC result or event, and not the live view, carries a key', () => {
    expect(ipcResults.filter((r) => leaks(JSON.stringify(r.result))).map((r) => r.channel)).toEqual([]);
    expect(events.filter((e) => leaks(JSON.stringify(e)))).toEqual([]);
    const sessions = ipcResults.filter((r) => r.channel === 'activity:sessions');
    expect(sessions.length).toBeGreaterThan(0);
  });
});
