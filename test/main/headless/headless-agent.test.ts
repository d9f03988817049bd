// The headless agent in this process, against real files, a real socket and a fake vendor:
// edits to the file apply within a second (key events, then the sessions' next requests),
// a removed profile's sessions get an error, an invalid edit keeps the last valid profiles.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { KeyEvent } from '../../../src-main/agent';
import { startHeadlessAgent, ProfilesFileError, type HeadlessAgent, type HeadlessAgentOptions } from '../../../src-main/headless/headless-agent';
import { createLogger } from '../../../src-main/headless/log';
import { NO_CREDENTIALS } from '../../../src-shared/jsonrpc-errors';
import { startFakeVendor } from '../../support/fake-vendor';
import { stopAfterTest } from '../../support/stop-after-test';
import { until } from '../../support/until';
import { KEY_A, KEY_B, KEY_CUSTOM, makeTempDir, profilesJson, replaceProfiles, writeProfiles, type ProfileSpec, type TempDir } from './helpers';
import { connectLineClient, openSession } from './line-client';

const KEY_A2 = 'uo_test_headless_rotated_cccccccccc';

let temp: TempDir;
let file: string;
let socketPath: string;
let logLines: string[];

beforeEach(() => {
  temp = makeTempDir();
  file = join(temp.dir, 'profiles.json');
  socketPath = join(temp.dir, 'run', 'agent.sock');
  logLines = [];
  // Registered first, so run last: after the agent and clients the test started are stopped.
  const dir = temp;
  const lines = logLines;
  stopAfterTest({
    close: async () => {
      dir.remove();
      // No line the agent logged, in any test, holds a key.
      for (const line of lines) for (const key of [KEY_A, KEY_A2, KEY_B, KEY_CUSTOM]) expect(line).not.toContain(key);
    },
  });
});

const remote = (key: string): ProfileSpec => ({ endpoint: 'https://mcp.example.com/mcp', auth: 'bearer', key });

async function start(profiles: Record<string, ProfileSpec>, options: Partial<HeadlessAgentOptions> = {}): Promise<HeadlessAgent> {
  writeProfiles(file, profilesJson(profiles));
  const log = createLogger('debug', () => running?.credentials.secrets() ?? [], (line) => void logLines.push(line));
  let running: HeadlessAgent | null = null;
  running = stopAfterTest(await startHeadlessAgent({ profilesPath: file, socketPath, log, ...options }));
  return running;
}

/** Resolves with the first key event for `profile` from now on, and how long it took. */
function nextKeyEvent(agent: HeadlessAgent, profile: string): Promise<{ event: KeyEvent; ms: number }> {
  const since = performance.now();
  return new Promise((resolve) => {
    const stop = agent.credentials.onKeyEvent((event) => {
      if (event.profile !== profile) return;
      stop();
      resolve({ event, ms: performance.now() - since });
    });
  });
}

const keyOf = async (agent: HeadlessAgent, profile: string) => {
  const lookup = await agent.credentials.credentialsFor(profile);
  return lookup.ok ? lookup.credentials.key : null;
};

describe('starting', () => {
  it('refuses a file it cannot use, with the reason, before taking the socket', async () => {
    writeProfiles(file, profilesJson({ a: remote(KEY_A) }), 0o644);
    const log = createLogger('debug', () => [], (line) => void logLines.push(line));
    const error = await startHeadlessAgent({ profilesPath: file, socketPath, log }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfilesFileError);
    expect((error as Error).message).toMatch(/can be read or changed by other users \(mode 0644\)/);
    await expect(connectLineClient(socketPath)).rejects.toThrow();
  });

  it('serves the file profiles on the socket with no prompt', async () => {
    await start({ a: remote(KEY_A) });
    const client = stopAfterTest(await connectLineClient(socketPath));
    client.hello('a');
    expect(await client.next()).toEqual({ type: 'ready', v: 2, profile: 'a' });
    expect(client.received).not.toContain(KEY_A);
  });
});

describe('edits to the file', () => {
  it('applies an editor-style atomic replace within 1 s', async () => {
    const agent = await start({ a: remote(KEY_A), b: remote(KEY_B) });
    const event = nextKeyEvent(agent, 'a');
    replaceProfiles(file, profilesJson({ a: remote(KEY_A2), b: remote(KEY_B) }));
    const { event: seen, ms } = await event;
    expect(seen).toEqual({ type: 'credentials', profile: 'a' });
    expect(ms).toBeLessThan(1000);
    expect(await keyOf(agent, 'a')).toBe(KEY_A2);
    await until(() => logLines.some((l) => l.includes(`${file} changed: updated a (used from the next request)`)), 'the change logged');
  }, 15_000);

  it('applies an in-place write within 1 s, again and again', async () => {
    const agent = await start({ a: remote(KEY_A) });
    for (const key of [KEY_A2, KEY_CUSTOM, KEY_A]) {
      const event = nextKeyEvent(agent, 'a');
      writeProfiles(file, profilesJson({ a: remote(key) }));
      expect((await event).ms).toBeLessThan(1000);
      expect(await keyOf(agent, 'a')).toBe(key);
    }
  }, 15_000);

  it('applies an edit within 1 s with the poll alone (where fs.watch reports nothing)', async () => {
    const agent = await start({ a: remote(KEY_A) }, { watch: { fsWatch: false } });
    const event = nextKeyEvent(agent, 'a');
    replaceProfiles(file, profilesJson({ a: remote(KEY_A2) }));
    expect((await event).ms).toBeLessThan(1000);
    expect(await keyOf(agent, 'a')).toBe(KEY_A2);
  }, 15_000);

  it('revokes a removed profile, naming the file', async () => {
    const agent = await start({ a: remote(KEY_A), b: remote(KEY_B) });
    const event = nextKeyEvent(agent, 'b');
    replaceProfiles(file, profilesJson({ a: remote(KEY_A) }));
    expect((await event).event).toEqual({ type: 'revoked', profile: 'b', message: `The profile 'b' was removed from ${file}.` });
    expect(agent.credentials.has('b')).toBe(false);
    expect(await agent.credentials.credentialsFor('b')).toMatchObject({ ok: false, code: 'unknown-profile' });
  }, 15_000);

  it('keeps the last valid profiles through an invalid edit, says so once, and takes the next valid one', async () => {
    const agent = await start({ a: remote(KEY_A), b: remote(KEY_CUSTOM) });
    const warnings = () => logLines.filter((l) => / warn /.test(l));

    // Broken JSON right next to a key: the warning says where, never what.
    writeProfiles(file, `{"profiles": {"a": {"endpoint": "https://mcp.example.com/mcp", "auth": "bearer", "key": ${KEY_CUSTOM}}}}`);
    await until(() => warnings().length === 1, 'the warning about the invalid file');
    expect(warnings()[0]).toContain(`${file}: is not valid JSON (unexpected character at line 1, column`);
    expect(warnings()[0]).toContain('Still using the last valid profiles (a, b).');
    expect(await keyOf(agent, 'a')).toBe(KEY_A);

    // Still invalid, and read again and again (reload is what the watch runs on a change): no
    // second line for the same problem.
    writeProfiles(file, `{"profiles": {"a": {"endpoint": "https://mcp.example.com/mcp", "auth": "bearer", "key": ${KEY_CUSTOM}}}}  `);
    await agent.reload();
    await agent.reload();
    expect(warnings()).toHaveLength(1);

    // A different problem is a new line: a schema error, then a mode that lets others read.
    writeProfiles(file, profilesJson({ a: { ...remote(KEY_A2), endpoint: 'http://mcp.example.com/mcp' } }));
    await until(() => warnings().length === 2, 'the warning about http');
    expect(warnings()[1]).toContain(`profile 'a': endpoint must use https`);
    writeProfiles(file, profilesJson({ a: remote(KEY_A2) }), 0o644);
    await until(() => warnings().length === 3, 'the warning about the mode');
    expect(warnings()[2]).toContain('(mode 0644); run: chmod 600');
    expect(await keyOf(agent, 'a')).toBe(KEY_A);
    expect(agent.credentials.has('b')).toBe(true);

    // Fixed: applied at once.
    const event = nextKeyEvent(agent, 'a');
    chmodSync(file, 0o600);
    expect((await event).ms).toBeLessThan(1000);
    expect(await keyOf(agent, 'a')).toBe(KEY_A2);
    expect(agent.credentials.has('b')).toBe(false);
  }, 20_000);

  it('keeps serving when the file is deleted, and takes it back when it returns', async () => {
    const agent = await start({ a: remote(KEY_A) });
    const { rmSync } = await import('node:fs');
    rmSync(file);
    await until(() => logLines.some((l) => l.includes(`${file} does not exist. Still using the last valid profiles (a).`)), 'the warning');
    expect(await keyOf(agent, 'a')).toBe(KEY_A);
    const event = nextKeyEvent(agent, 'a');
    writeFileSync(file, profilesJson({ a: remote(KEY_A2) }), { mode: 0o600 });
    await event;
    expect(await keyOf(agent, 'a')).toBe(KEY_A2);
  }, 15_000);
});

describe('sessions in progress', () => {
  it('use a rotated key from the next request, and get a clear error once their profile is removed', async () => {
    const vendor = stopAfterTest(await startFakeVendor({ vendor: 'uptimeobserver', keys: [KEY_A, KEY_A2] }));
    const endpoint = `${vendor.url}`;
    const agent = await start({ up: { endpoint, auth: 'x-api-key', key: KEY_A }, other: remote(KEY_B) });
    const client = stopAfterTest(await connectLineClient(socketPath));
    await openSession(client, 'up');
    client.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect((await client.nextMatching((l) => l.id === 2)).result).toBeDefined();
    expect(vendor.requests.at(-1)?.key).toBe(KEY_A);

    const rotated = nextKeyEvent(agent, 'up');
    replaceProfiles(file, profilesJson({ up: { endpoint, auth: 'x-api-key', key: KEY_A2 }, other: remote(KEY_B) }));
    await rotated;
    client.send({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
    expect((await client.nextMatching((l) => l.id === 3)).result).toBeDefined();
    const last = vendor.requests.at(-1);
    expect(last?.key).toBe(KEY_A2);
    expect(last?.xApiKey).toBe(KEY_A2);
    expect(last?.authorization).toBeUndefined();

    const removed = nextKeyEvent(agent, 'up');
    replaceProfiles(file, profilesJson({ other: remote(KEY_B) }));
    await removed;
    const before = vendor.requests.length;
    client.send({ jsonrpc: '2.0', id: 4, method: 'tools/list' });
    const answer = await client.nextMatching((l) => l.id === 4);
    expect(answer.error).toMatchObject({ code: NO_CREDENTIALS });
    expect(JSON.stringify(answer.error)).toContain(`The profile 'up' was removed from ${file}.`);
    expect(vendor.requests.length).toBe(before);
    for (const key of [KEY_A, KEY_A2, KEY_B]) expect(client.received).not.toContain(key);
  }, 20_000);
});
