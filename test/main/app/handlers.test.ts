// The IPC handler table and invoker against a REAL app core (vault with a test cipher in a
// temp dir, client installers on a temp HOME, the fake vendor endpoint on 127.0.0.1): every
// channel answered through the contract, bad requests refused, results stripped to the
// contract and errors redacted. No electron here: this is the table the shell and the
// renderer's harness both call.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type EventChannel, type InvokeResult } from '../../../src-shared/ipc-contract';
import type { Invoke } from '../../../src-shared/preload-api';
import { createInvoker, createIpcHandlers, subscribeCoreEvents, typedInvoke, type IpcHandlers, type Invoker } from '../../../src-main/app/ipc-handlers';
import { INTERNAL_ERROR_MESSAGE, UserError } from '../../../src-shared/user-error';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { startCoreHarness, type CoreHarness } from './core-harness';

const KEY_1 = 'uo_test_handlers1a2b3c4d5e6f';
const KEY_2 = 'uo_test_handlers9f8e7d6c5b4a';

let vendor: FakeVendor;
let harness: CoreHarness;
/** Typed, for requests on the contract; `raw` for the ones off it. */
let invoke: Invoke;
let raw: Invoker;
const events: { channel: EventChannel; payload: unknown }[] = [];
let unsubscribe: () => void;

function value<T>(result: InvokeResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.value;
}

function failure(result: InvokeResult<unknown>): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

beforeAll(async () => {
  vendor = await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY_1, KEY_2] });
  harness = await startCoreHarness();
  await harness.core.start();
  raw = createInvoker(createIpcHandlers(harness.core));
  invoke = typedInvoke(raw);
  unsubscribe = subscribeCoreEvents(harness.core, (channel, payload) => void events.push({ channel, payload }));
});

afterAll(async () => {
  unsubscribe?.();
  await harness?.close();
  await vendor?.close();
});

describe('the handler table', () => {
  it('has exactly one handler per contract channel', () => {
    expect(Object.keys(createIpcHandlers(harness.core)).sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('refuses unknown channels and arguments off the contract, naming what is wrong', async () => {
    expect(failure(await raw('profiles:steal-keys', []))).toMatch(/Unknown request 'profiles:steal-keys'/);
    expect(failure(await raw('toString', []))).toMatch(/Unknown request/);
    expect(failure(await raw('profiles:verify', ['no spaces allowed']))).toMatch(/Invalid request profiles:verify: 0: A profile name uses only/);
    expect(failure(await raw('profiles:list', ['extra']))).toMatch(/Invalid request profiles:list/);
    expect(failure(await raw('profiles:remove', 'mcp-claude'))).toMatch(/Invalid request profiles:remove/);
    expect(failure(await raw('app:open-external', [42]))).toMatch(/Invalid request app:open-external/);
  });
});

describe('every channel, through the invoker, on a real core', () => {
  it('pastes a key from the clipboard: main reads it and answers only its masked form', async () => {
    harness.clipboard.text = `  "Bearer ${KEY_1}"\n`;
    const pasted = value(await invoke('clipboard:paste-key', []));
    expect(pasted).toEqual({ masked: `uo_…${KEY_1.slice(-4)}`, fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{8}$/), detectedVendor: 'uptimeobserver', problem: null });
    expect(JSON.stringify(pasted)).not.toContain(KEY_1);

    harness.clipboard.text = 'uo_test_one two';
    expect(value(await invoke('clipboard:paste-key', []))).toMatchObject({ detectedVendor: 'uptimeobserver', problem: expect.stringMatching(/spaces or line breaks/) });
  });

  it('adds a profile from the clipboard after checking the fingerprint, verifying against the vendor', async () => {
    harness.clipboard.text = KEY_1;
    const { fingerprint } = value(await invoke('clipboard:paste-key', []));
    harness.clipboard.text = KEY_2;
    expect(failure(await invoke('profiles:add', [{ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key: { source: 'clipboard', fingerprint } }]))).toMatch(
      /clipboard no longer holds the key/,
    );
    harness.clipboard.text = KEY_1;
    const view = value(await invoke('profiles:add', [{ name: 'mcp-claude', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key: { source: 'clipboard', fingerprint } }]));
    expect(view).toMatchObject({ name: 'mcp-claude', vendor: 'uptimeobserver', key: { masked: `uo_…${KEY_1.slice(-4)}`, fingerprint } });
    expect(JSON.stringify(view)).not.toContain(KEY_1);
    expect(vendor.requests.some((r) => r.xApiKey === KEY_1)).toBe(true);
    expect(events.some((e) => e.channel === 'profiles:changed' && JSON.stringify(e.payload).includes('mcp-claude'))).toBe(true);
  });

  it('refuses a key of the wrong vendor with a message a person understands (typed source)', async () => {
    const error = failure(await invoke('profiles:add', [{ name: 'mcp-cursor', vendor: 'uptimeobserver', endpoint: vendor.url, auth: 'x-api-key', key: { source: 'typed', key: 'umk_live_test_abcdefgh1234' } }]));
    expect(error).toMatch(/UptimeObserver keys start with uo_\. It looks like a UptimeMonitoring key\./);
    expect(error).not.toContain('umk_live_test_abcdefgh1234');
  });

  it('lists, updates, verifies, pauses and resumes', async () => {
    expect(value(await invoke('profiles:list', [])).map((p) => p.name)).toEqual(['mcp-claude']);
    expect(value(await invoke('profiles:update', [{ name: 'mcp-claude', note: 'for Claude' }])).note).toBe('for Claude');
    expect(value(await invoke('profiles:verify', ['mcp-claude']))).toMatchObject({ ok: true, toolCount: expect.any(Number) });
    expect(value(await invoke('profiles:verify-all', []))).toEqual([{ profile: 'mcp-claude', result: expect.objectContaining({ ok: true }) }]);
    expect(value(await invoke('profiles:set-paused', [{ name: 'mcp-claude', paused: true }])).paused).toBe(true);
    expect(value(await invoke('profiles:set-paused', [{ name: 'mcp-claude', paused: false }])).paused).toBe(false);
    expect(failure(await invoke('profiles:verify', ['nobody']))).toMatch(/nobody/);
  });

  it('rotates, rolls back, rotates again and confirms the old key revoked', async () => {
    const rotated = value(await invoke('profiles:rotate', [{ name: 'mcp-claude', key: { source: 'typed', key: KEY_2 } }]));
    expect(rotated.key?.masked).toBe(`uo_…${KEY_2.slice(-4)}`);
    expect(rotated.previous).toMatchObject({ masked: `uo_…${KEY_1.slice(-4)}`, fate: 'until-revoked' });
    expect(value(await invoke('profiles:rollback', ['mcp-claude'])).key?.masked).toBe(`uo_…${KEY_1.slice(-4)}`);
    value(await invoke('profiles:rotate', [{ name: 'mcp-claude', key: { source: 'typed', key: KEY_2 } }]));
    // "I revoked it" is checked with the vendor: refused while the old key still works.
    expect(failure(await invoke('profiles:confirm-revoked', ['mcp-claude']))).toMatch(/still works at UptimeObserver/);
    vendor.revokeKey(KEY_1);
    expect(value(await invoke('profiles:confirm-revoked', ['mcp-claude'])).previous).toBeNull();
    // Re-entering is its own flow: the same key again is verified and kept, with nothing old.
    expect(value(await invoke('profiles:reenter', [{ name: 'mcp-claude', key: { source: 'typed', key: KEY_2 } }]))).toMatchObject({ state: 'ok', previous: null });
  });

  it('connects, describes and disconnects a client, copying its snippet through main', async () => {
    await mkdir(join(harness.homeDir, '.config', 'Claude'), { recursive: true });
    const before = value(await invoke('clients:list', []));
    expect(before.find((c) => c.id === 'claude-desktop')).toMatchObject({ state: 'not-connected', profiles: [] });
    expect(before.find((c) => c.id === 'cursor')).toMatchObject({ state: 'not-present' });

    const connected = value(await invoke('clients:connect', [{ client: 'claude-desktop', profile: 'mcp-claude' }]));
    expect(connected).toMatchObject({ id: 'claude-desktop', state: 'connected', profiles: ['mcp-claude'] });
    const file = await readFile(connected.configPath, 'utf8');
    expect(JSON.parse(file).mcpServers['keybridge-mcp-claude']).toEqual({
      command: harness.core.launcherPath,
      args: ['--profile', 'mcp-claude'],
      env: { KEYBRIDGE_AGENT_SOCKET: harness.core.socketPath },
    });
    expect(file).not.toContain(KEY_1);
    expect(file).not.toContain(KEY_2);

    const snippet = value(await invoke('clients:snippet', [{ client: 'cursor', profile: 'mcp-claude' }]));
    expect(snippet.deepLink).toMatch(/^cursor:\/\/anysphere\.cursor-deeplink\/mcp\/install\?name=keybridge-mcp-claude&config=/);
    value(await invoke('clients:copy-snippet', [{ client: 'claude-desktop', profile: 'mcp-claude' }]));
    expect(JSON.parse(harness.clipboard.text).mcpServers['keybridge-mcp-claude'].args).toEqual(['--profile', 'mcp-claude']);

    expect(value(await invoke('clients:disconnect', [{ client: 'claude-desktop', profile: 'mcp-claude' }]))).toMatchObject({ state: 'not-connected', profiles: [] });
  });

  it('scans for a plaintext key and moves it into the vault', async () => {
    await mkdir(join(harness.homeDir, '.cursor'), { recursive: true });
    const cursorFile = join(harness.homeDir, '.cursor', 'mcp.json');
    const plaintext = {
      mcpServers: { uptime: { command: 'npx', args: ['mcp-remote', vendor.url, '--header', `X-API-Key: ${KEY_2}`] } },
    };
    await writeFile(cursorFile, JSON.stringify(plaintext, null, 2));
    const { findings, errors } = value(await invoke('migration:scan', []));
    expect(errors).toEqual([]);
    const finding = findings.find((f) => f.configPath === cursorFile);
    expect(finding).toMatchObject({ client: 'cursor', entryName: 'uptime', maskedKey: `uo_…${KEY_2.slice(-4)}`, vendor: 'uptimeobserver' });
    expect(JSON.stringify(findings)).not.toContain(KEY_2);
    const moved = value(await invoke('migration:migrate', [{ findingId: finding?.id ?? '', profile: 'mcp-cursor' }]));
    expect(moved).toEqual({ profile: expect.objectContaining({ name: 'mcp-cursor', key: { masked: `uo_…${KEY_2.slice(-4)}`, fingerprint: expect.any(String) } }), message: "Moved into KeyBridge as mcp-cursor. 'uptime' now starts the bridge." });
    expect(await readFile(cursorFile, 'utf8')).not.toContain(KEY_2);
  });

  it('answers activity, settings, storage, decisions and notices', async () => {
    expect(value(await invoke('activity:sessions', []))).toEqual([]);
    const log = value(await invoke('activity:events', []));
    expect(log.map((e) => e.message)).toContain("Added 'mcp-claude' (uo_…" + KEY_1.slice(-4) + ').');
    expect(JSON.stringify(log)).not.toMatch(/uo_test_/);

    expect(value(await invoke('settings:get', []))).toMatchObject({ approvalPrompts: true, launchAtLogin: false, allowWeakStorage: false });
    const updated = value(await invoke('settings:update', [{ approvalPrompts: false, launchAtLogin: true, network: { proxy: 'http://127.0.0.1:3128' } }]));
    expect(updated).toMatchObject({ approvalPrompts: false, launchAtLogin: true, network: { proxy: 'http://127.0.0.1:3128' } });
    const autostart = join(harness.homeDir, '.config', 'autostart', 'keybridge.desktop');
    expect(await readFile(autostart, 'utf8')).toContain('Exec=/opt/KeyBridge/keybridge --hidden');
    value(await invoke('settings:update', [{ approvalPrompts: true, launchAtLogin: false }]));
    expect(existsSync(autostart)).toBe(false);
    expect(failure(await raw('settings:update', [{ logLevel: 'loud' }]))).toMatch(/Invalid request settings:update: 0\.logLevel/);
    expect(value(await invoke('settings:storage', []))).toMatchObject({ mode: 'keychain' });

    expect(value(await invoke('decisions:list', []))).toEqual([]);
    expect(failure(await invoke('decisions:revoke', [{ client: 'Claude', profile: 'mcp-claude' }]))).toMatch(/no remembered decision/);
    expect(value(await invoke('notices:list', []))).toEqual([]);
    expect(failure(await invoke('notices:dismiss', ['nope']))).toMatch(/no longer shown/);
  });

  it('opens only https links on the allow-list', async () => {
    value(await invoke('app:open-external', ['https://app.uptimeobserver.com/integrations/mcp']));
    value(await invoke('app:open-external', ['https://modelcontextprotocol.io/docs']));
    for (const url of [
      'http://uptimeobserver.com/',
      'https://uptimeobserver.com.evil.example/',
      'https://evil.example/?uptimeobserver.com',
      'https://user@uptimeobserver.com/',
      'https://uptimeobserver.com:8443/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(failure(await invoke('app:open-external', [url]))).toMatch(/opens only https links/);
    }
    expect(harness.opened).toEqual(['https://app.uptimeobserver.com/integrations/mcp', 'https://modelcontextprotocol.io/docs']);
  });

  it('removes a profile', async () => {
    expect(value(await invoke('profiles:remove', ['mcp-cursor']))).toBeUndefined();
    expect(value(await invoke('profiles:list', [])).map((p) => p.name)).toEqual(['mcp-claude']);
  });
});

describe('the invoker guards what leaves main', () => {
  const base = () => createIpcHandlers(harness.core);

  it('strips fields the contract does not name (a key can never ride along)', async () => {
    const handlers: IpcHandlers = { ...base(), 'clipboard:paste-key': async () => ({ masked: 'uo_…abcd', fingerprint: 'sha256:00000000', detectedVendor: null, problem: null, key: KEY_1 }) as never };
    const result = value(await createInvoker(handlers)('clipboard:paste-key', []));
    expect(result).toEqual({ masked: 'uo_…abcd', fingerprint: 'sha256:00000000', detectedVendor: null, problem: null });
  });

  it('answers an off-contract result with a short internal error and reports it', async () => {
    const reported: string[] = [];
    const handlers: IpcHandlers = { ...base(), 'settings:get': async () => ({ nonsense: true }) as never };
    const error = failure(await createInvoker(handlers, { onInternalError: (channel, detail) => void reported.push(`${channel} ${detail}`) })('settings:get', []));
    expect(error).toBe('KeyBridge could not complete settings:get (internal error).');
    expect(reported[0]).toMatch(/^settings:get /);
  });

  it("turns a thrown UserError into its message, redacted; a bug's details go only to the log, redacted too", async () => {
    const handlers: IpcHandlers = {
      ...base(),
      'profiles:verify': async () => {
        throw new UserError(`upstream said: bad key ${KEY_1} (Authorization: Bearer ${KEY_2})`);
      },
      'profiles:rollback': async () => {
        throw new Error(`bug with ${KEY_1} in it`);
      },
    };
    const logged: string[] = [];
    const invoker = createInvoker(handlers, { onInternalError: (_channel, detail) => logged.push(detail) });
    const error = failure(await invoker('profiles:verify', ['mcp-claude']));
    expect(error).toMatch(/^upstream said: bad key \[redacted\] \(Authorization: Bearer \[redacted\]/);
    expect(error).not.toContain(KEY_1);
    expect(error).not.toContain(KEY_2);
    expect(failure(await invoker('profiles:rollback', ['mcp-claude']))).toBe(INTERNAL_ERROR_MESSAGE);
    expect(logged.join('\n')).toMatch(/bug with uo_\[redacted\]|bug with \[redacted\]/);
    expect(logged.join('\n')).not.toContain(KEY_1);
  });
});
