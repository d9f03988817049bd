// The vault against real files (conf in a temp dir), a real AES test cipher and the fake
// vendor endpoint over real HTTP.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVault, VaultError, type KeyEvent, type Vault, type VaultOptions } from '../../../src-main/vault';
import { KeychainBusyError } from '../../../src-main/vault/ports';
import type { AddProfileInput } from '../../../src-shared/profile';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { confBackend, createManualClock, createTestCipher, makeTempDir, type TestCipher } from './helpers';

const UO_KEY = 'uo_test_aaaaaaaaaaaa1a2b';
const UO_KEY2 = 'uo_test_bbbbbbbbbbbb3c4d';
const UM_KEY = 'umk_live_test_aaaaaaaa9f3a';
const UM_KEY2 = 'umk_live_test_bbbbbbbb7e6d';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let vendors: FakeVendor[];
let vaults: Vault[];

beforeEach(async () => {
  temp = await makeTempDir();
  vendors = [];
  vaults = [];
});
afterEach(async () => {
  for (const v of vaults) v.close();
  await Promise.all(vendors.map((v) => v.close()));
  await temp.remove();
});

async function vendor(kind: 'uptimeobserver' | 'uptimemonitoring', keys: string[], clock?: () => number) {
  const v = await startFakeVendor({ vendor: kind, keys, clock });
  vendors.push(v);
  return v;
}

async function open(cipher: TestCipher, extra: Partial<VaultOptions> = {}) {
  const vault = await createVault({ backend: confBackend(temp.dir), cipher, probeTimeoutMs: 5000, ...extra });
  vaults.push(vault);
  return vault;
}

const uo = (endpoint: string, name = 'mcp-claude', key = UO_KEY): AddProfileInput => ({ name, vendor: 'uptimeobserver', endpoint, auth: 'x-api-key', key });
const um = (endpoint: string, name = 'mcp-cursor', key = UM_KEY): AddProfileInput => ({ name, vendor: 'uptimemonitoring', endpoint, auth: 'bearer', key });

function fileText(): string {
  return readFileSync(confBackend(temp.dir).path, 'utf8');
}

describe('adding and verifying', () => {
  it('stores only ciphertext, in an owner-only file, and shows the key masked', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const vault = await open(createTestCipher());
    const view = await vault.add(uo(v.url));
    expect(view).toMatchObject({ name: 'mcp-claude', state: 'unverified', key: { masked: 'uo_…1a2b' }, paused: false, previous: null });
    expect(view.key?.fingerprint).toMatch(/^sha256:[0-9a-f]{8}$/);
    expect(fileText()).not.toContain(UO_KEY);
    expect(fileText()).not.toContain('aaaaaaaaaaaa');
    expect(statSync(confBackend(temp.dir).path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fileText())).toMatchObject({ version: 1 });
    // Writes replace the file by rename (a crash mid-write leaves the old file whole) and stay 0600.
    const inode = statSync(confBackend(temp.dir).path).ino;
    await vault.update({ name: 'mcp-claude', note: 'work laptop' });
    expect(statSync(confBackend(temp.dir).path).ino).not.toBe(inode);
    expect(statSync(confBackend(temp.dir).path).mode & 0o777).toBe(0o600);
    expect(readdirSync(temp.dir)).toEqual(['keybridge-vault.json']);
  });

  it('verifies with a real MCP initialize, one auth header, and closes the session', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const vault = await open(createTestCipher());
    const view = await vault.add(uo(v.url), { verify: true });
    expect(view.state).toBe('ok');
    expect(view.lastCheck).toMatchObject({ ok: true, serverName: 'fake-uptimeobserver', serverVersion: '1.0.0' });
    expect(view.lastVerifiedAt).not.toBeNull();
    expect(v.requests.every((r) => r.xApiKey === UO_KEY && r.authorization === undefined)).toBe(true);
    expect(v.requests.some((r) => r.method === 'DELETE')).toBe(true);
    expect(v.sessionIds).toEqual([]);
  });

  it('refuses a key the vendor rejects, saying why, and stores nothing', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const vault = await open(createTestCipher());
    await expect(vault.add(uo(v.url, 'mcp-claude', UO_KEY2), { verify: true })).rejects.toThrow('This key was rejected by UptimeObserver: invalid API key. Check you copied the whole key.');
    expect(vault.list()).toEqual([]);
  });

  it('checks keys with messages a person understands', async () => {
    const vault = await open(createTestCipher());
    const endpoint = 'https://mcp.uptimeobserver.com/mcp';
    await expect(vault.add(uo(endpoint, 'a', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'))).rejects.toThrow(/JWT tokens are not accepted/);
    await expect(vault.add(uo(endpoint, 'a', UM_KEY))).rejects.toThrow(/looks like a UptimeMonitoring key/);
    await expect(vault.add(uo(endpoint, 'bad name!'))).rejects.toThrow(/letters, digits/);
    const view = await vault.add(uo(endpoint, 'a', `  "Bearer ${UO_KEY}" `));
    expect(view.key?.masked).toBe('uo_…1a2b');
    await expect(vault.add(uo(endpoint, 'a'))).rejects.toThrow(/already exists/);
  });

  it('maps UptimeMonitoring refusals, parsing text/plain 401 bodies as JSON', async () => {
    const v = await vendor('uptimemonitoring', [UM_KEY]);
    const vault = await open(createTestCipher());
    await vault.add(um(v.url));
    v.revokeKey(UM_KEY);
    const result = await vault.verify('mcp-cursor');
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(result.ok === false && result.message).toContain('invalid credentials');
    expect(result.ok === false && result.message).not.toContain('{');
    expect(vault.get('mcp-cursor').state).toBe('failing');
    v.suspend(true);
    v.addKey(UM_KEY2);
    await expect(vault.rotate('mcp-cursor', UM_KEY2)).rejects.toThrow(/403 account suspended; contact support/);
    expect(vault.get('mcp-cursor').key?.masked).toBe('umk_live_…9f3a');
  });
});

describe('rotation, as each vendor works', () => {
  it('UptimeObserver: keeps the old key until the user confirms it is revoked', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const vault = await open(createTestCipher());
    const events: KeyEvent[] = [];
    vault.onKeyEvent((e) => void events.push(e));
    await vault.add(uo(v.url));
    v.rotate(UO_KEY, UO_KEY2);
    const view = await vault.rotate('mcp-claude', UO_KEY2);
    expect(view.key?.masked).toBe('uo_…3c4d');
    expect(view.state).toBe('ok');
    expect(view.previous).toMatchObject({ masked: 'uo_…1a2b', fate: 'until-revoked', graceEndsAt: null });
    expect(view.warnings).toContain(
      'Revoke the old key uo_…1a2b in the UptimeObserver dashboard (Integrations → MCP), then confirm here that it is revoked.',
    );
    expect(events).toEqual([{ type: 'credentials', profile: 'mcp-claude' }]);
    const lookup = await vault.credentialsFor('mcp-claude');
    expect(lookup.ok && lookup.credentials).toMatchObject({ key: UO_KEY2, keyId: view.key?.fingerprint, auth: 'x-api-key', endpoint: v.url });

    await expect(vault.rotate('mcp-claude', 'uo_test_cccccccccccc5e6f')).rejects.toThrow(/First revoke the old key uo_…1a2b/);
    // "I revoked it" is checked: while the vendor still takes the old key, it is kept.
    await expect(vault.confirmRevoked('mcp-claude')).rejects.toThrow('The old key uo_…1a2b still works at UptimeObserver. Revoke it in the dashboard (Integrations → MCP), then confirm again.');
    expect(vault.get('mcp-claude').previous).toMatchObject({ masked: 'uo_…1a2b' });
    v.revokeKey(UO_KEY);
    const confirmed = await vault.confirmRevoked('mcp-claude');
    expect(confirmed.previous).toBeNull();
    expect(confirmed.warnings).toEqual([]);
    expect(fileText()).not.toContain(JSON.stringify(view.previous?.fingerprint).slice(1, -1));
  });

  it('changes nothing when the new key fails, and says why', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const vault = await open(createTestCipher());
    const before = await vault.add(uo(v.url));
    const fileBefore = fileText();
    await expect(vault.rotate('mcp-claude', UO_KEY2)).rejects.toThrow(/nothing was changed.*invalid API key/);
    expect(vault.get('mcp-claude')).toEqual(before);
    expect(fileText()).toBe(fileBefore);
  });

  it('UptimeMonitoring: keeps the old key for the 5-minute grace window, then wipes it', async () => {
    const clock = createManualClock();
    const v = await vendor('uptimemonitoring', [UM_KEY], clock.now);
    const vault = await open(createTestCipher(), { clock });
    await vault.add(um(v.url));
    v.rotate(UM_KEY, UM_KEY2);
    const view = await vault.rotate('mcp-cursor', UM_KEY2);
    expect(view.previous).toMatchObject({ masked: 'umk_live_…9f3a', fate: 'grace', graceEndsAt: '2026-11-23T10:05:00.000Z' });
    const changes: string[] = [];
    vault.subscribe((profiles) => changes.push(String(profiles[0]?.previous?.fate ?? 'none')));
    clock.advance(4 * 60 * 1000);
    expect(vault.get('mcp-cursor').previous).not.toBeNull();
    clock.advance(60 * 1000);
    expect(vault.get('mcp-cursor').previous).toBeNull();
    expect(changes).toEqual(['none']);
    expect(fileText()).not.toContain('"fate"');
  });

  it('UptimeMonitoring: a grace window that ended while closed is wiped on open', async () => {
    const clock = createManualClock();
    const cipher = createTestCipher();
    const v = await vendor('uptimemonitoring', [UM_KEY], clock.now);
    const first = await open(cipher, { clock });
    await first.add(um(v.url));
    v.rotate(UM_KEY, UM_KEY2);
    await first.rotate('mcp-cursor', UM_KEY2);
    first.close();
    const later = createManualClock(clock.now() + 6 * 60 * 1000);
    const reopened = await open(cipher, { clock: later });
    expect(reopened.get('mcp-cursor').previous).toBeNull();
    expect(reopened.get('mcp-cursor').key?.masked).toBe('umk_live_…7e6d');
  });

  it('custom profiles keep no previous key; rollback restores a kept one and pushes it', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY, UO_KEY2]);
    const vault = await open(createTestCipher());
    await vault.add({ name: 'other', vendor: 'custom', endpoint: v.url, auth: 'x-api-key', keyPrefix: 'uo_', key: UO_KEY });
    expect((await vault.rotate('other', UO_KEY2)).previous).toBeNull();
    await expect(vault.rollback('other')).rejects.toThrow(/no previous key/);

    await vault.add(uo(v.url, 'mcp-claude', UO_KEY2));
    const rotated = await vault.rotate('mcp-claude', UO_KEY);
    const events: KeyEvent[] = [];
    vault.onKeyEvent((e) => void events.push(e));
    const back = await vault.rollback('mcp-claude');
    expect(back.key?.fingerprint).toBe(rotated.previous?.fingerprint);
    expect(back.previous).toBeNull();
    expect(events).toEqual([{ type: 'credentials', profile: 'mcp-claude' }]);
    const lookup = await vault.credentialsFor('mcp-claude');
    expect(lookup.ok && lookup.credentials.key).toBe(UO_KEY2);
  });
});

describe('removal, pause, settings and hygiene', () => {
  it('remove wipes the ciphertext and announces the revocation', async () => {
    const vault = await open(createTestCipher());
    await vault.add(uo('https://mcp.uptimeobserver.com/mcp'));
    const ciphertext = (JSON.parse(fileText()) as { profiles: { key: { ciphertext: string } }[] }).profiles[0]!.key.ciphertext;
    const events: KeyEvent[] = [];
    vault.onKeyEvent((e) => void events.push(e));
    await vault.remove('mcp-claude');
    expect(fileText()).not.toContain(ciphertext);
    expect(events).toEqual([{ type: 'revoked', profile: 'mcp-claude', message: "The key for 'mcp-claude' was removed in KeyBridge." }]);
    expect(await vault.credentialsFor('mcp-claude')).toMatchObject({ ok: false, code: 'unknown-profile' });
    await expect(vault.remove('mcp-claude')).rejects.toBeInstanceOf(VaultError);
  });

  it('pause refuses bridges until resumed; lastUsedAt and network settings travel with credentials', async () => {
    const clock = createManualClock();
    const vault = await open(createTestCipher(), { clock });
    await vault.add(uo('https://mcp.uptimeobserver.com/mcp'));
    const events: KeyEvent[] = [];
    vault.onKeyEvent((e) => void events.push(e));
    await vault.setPaused('mcp-claude', true);
    expect(vault.get('mcp-claude').paused).toBe(true);
    expect(await vault.credentialsFor('mcp-claude')).toMatchObject({ ok: false, code: 'denied', message: expect.stringContaining('paused') });
    // Changes while paused reach the bridges on resume, not before.
    await vault.update({ name: 'mcp-claude', auth: 'bearer' });
    await vault.setPaused('mcp-claude', false);
    expect(events.map((e) => e.type)).toEqual(['revoked', 'credentials']);

    const plain = await vault.credentialsFor('mcp-claude');
    expect(plain.ok && plain.credentials.network).toBeUndefined();
    expect(vault.get('mcp-claude').lastUsedAt).toBe('2026-11-23T10:00:00.000Z');
    vault.settings.update({ network: { proxy: 'http://proxy:3128', noProxy: 'localhost' } });
    const proxied = await vault.credentialsFor('mcp-claude');
    expect(proxied.ok && proxied.credentials.network).toEqual({ proxy: 'http://proxy:3128', noProxy: 'localhost' });
  });

  it('keeps settings and decisions, validated, across restarts', async () => {
    const cipher = createTestCipher();
    const vault = await open(cipher);
    expect(vault.settings.get()).toEqual({ launchAtLogin: false, approvalPrompts: true, allowWeakStorage: false, network: {}, logLevel: 'info' });
    const seen: boolean[] = [];
    vault.settings.subscribe((s) => seen.push(s.launchAtLogin));
    vault.settings.update({ launchAtLogin: true, logLevel: 'debug' });
    expect(seen).toEqual([true]);
    expect(() => vault.settings.update({ logLevel: 'loud' as 'info' })).toThrow();
    vault.settings.decisions.remember('Claude', 'mcp-claude', 'allow');
    vault.settings.decisions.remember('Cursor', 'mcp-claude', 'deny');
    vault.settings.decisions.forget('Claude', 'mcp-claude');
    vault.close();
    const reopened = await open(cipher);
    expect(reopened.settings.get()).toMatchObject({ launchAtLogin: true, logLevel: 'debug' });
    expect(reopened.settings.decisions.find('Cursor', 'mcp-claude')).toBe('deny');
    expect(reopened.settings.decisions.find('Claude', 'mcp-claude')).toBeNull();
  });

  it('warns about more than 10 UptimeMonitoring profiles and a key shared by two profiles', async () => {
    const vault = await open(createTestCipher());
    for (let i = 0; i < 11; i++) await vault.add(um('https://um.example.com/mcp', `um-${i}`, `umk_live_test_key_${String(i).padStart(4, '0')}`));
    expect(vault.get('um-0').warnings).toContain('You have 11 UptimeMonitoring profiles, but an account allows at most 10 keys.');
    await vault.add(uo('https://mcp.uptimeobserver.com/mcp', 'one'));
    await vault.add(uo('https://mcp.uptimeobserver.com/mcp', 'two'));
    expect(vault.get('one').warnings.join(' ')).toMatch(/same key is used by 'two': use separate keys per application/);
    expect(vault.get('two').warnings.join(' ')).toMatch(/same key is used by 'one'/);
  });

  it('update changes the endpoint, resets the last check and pushes', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const vault = await open(createTestCipher());
    await vault.add(uo('https://mcp.uptimeobserver.com/mcp'));
    const events: KeyEvent[] = [];
    vault.onKeyEvent((e) => void events.push(e));
    await expect(vault.update({ name: 'mcp-claude', endpoint: 'http://example.com/mcp' })).rejects.toThrow(/https/);
    const view = await vault.update({ name: 'mcp-claude', endpoint: v.url, note: 'laptop' });
    expect(view).toMatchObject({ endpoint: v.url, note: 'laptop', lastCheck: null });
    expect(events).toEqual([{ type: 'credentials', profile: 'mcp-claude' }]);
    const all = await vault.verifyAll();
    expect(all).toEqual([{ profile: 'mcp-claude', result: expect.objectContaining({ ok: true }) }]);
  });

  it('verifies through the network settings the user set', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const vault = await open(createTestCipher());
    await vault.add(uo(v.url));
    vault.settings.update({ network: { extraCaCerts: `${temp.dir}/missing-ca.pem` } });
    expect(await vault.verify('mcp-claude')).toMatchObject({ ok: false, message: expect.stringContaining('cannot read the extra CA certificates') });
    vault.settings.update({ network: {} });
    expect(await vault.verify('mcp-claude')).toMatchObject({ ok: true });
  });
});

describe('storage trouble', () => {
  it('refuses weak storage unless allowed, and never stores without encryption', async () => {
    const cipher = createTestCipher({ backend: 'basic_text' });
    const vault = await open(cipher);
    expect(await vault.storageStatus()).toMatchObject({ mode: 'unavailable', backend: 'basic_text' });
    await expect(vault.add(uo('https://mcp.uptimeobserver.com/mcp'))).rejects.toThrow(/built-in password.*allow weaker storage in Settings/);
    expect(vault.list()).toEqual([]);
    vault.settings.update({ allowWeakStorage: true });
    expect(await vault.storageStatus()).toMatchObject({ mode: 'weak' });
    await vault.add(uo('https://mcp.uptimeobserver.com/mcp'));

    cipher.available = false;
    await expect(vault.add(uo('https://mcp.uptimeobserver.com/mcp', 'other'))).rejects.toThrow(/keychain is not available/);
    expect(await vault.credentialsFor('mcp-claude')).toMatchObject({ ok: false, code: 'locked' });
    expect(vault.get('mcp-claude').state).toBe('locked');
    cipher.available = true;
    expect(await vault.credentialsFor('mcp-claude')).toMatchObject({ ok: true });
    expect(vault.get('mcp-claude').state).toBe('unverified');
  });

  it('seals a key again when the keychain asks for it', async () => {
    const cipher = createTestCipher();
    const vault = await open(cipher);
    await vault.add(uo('https://mcp.uptimeobserver.com/mcp'));
    const stored = () => (JSON.parse(fileText()) as { profiles: { key: { ciphertext: string; fingerprint: string } }[] }).profiles[0]!.key;
    const before = stored();
    cipher.askReEncrypt = true;
    expect(await vault.credentialsFor('mcp-claude')).toMatchObject({ ok: true, credentials: { key: UO_KEY } });
    expect(stored().ciphertext).not.toBe(before.ciphertext);
    expect(stored().fingerprint).toBe(before.fingerprint);
    cipher.askReEncrypt = false;
    expect(await vault.credentialsFor('mcp-claude')).toMatchObject({ ok: true, credentials: { key: UO_KEY } });
  });

  it('moves a corrupt store aside, starts clean and reports it', async () => {
    const cipher = createTestCipher();
    const first = await open(cipher);
    await first.add(uo('https://mcp.uptimeobserver.com/mcp'));
    first.close();
    const { writeFileSync } = await import('node:fs');
    const broken = fileText().slice(0, 40);
    writeFileSync(confBackend(temp.dir).path, broken);
    const vault = await open(cipher);
    expect(vault.list()).toEqual([]);
    const [problem] = vault.problems();
    expect(problem).toMatchObject({ level: 'error', message: expect.stringContaining('not valid JSON') });
    const aside = readdirSync(temp.dir).filter((f) => f.includes('.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(`${temp.dir}/${aside[0]}`, 'utf8')).toBe(broken);
    expect(problem?.message).toContain(aside[0]);
    await vault.add(uo('https://mcp.uptimeobserver.com/mcp'));
    expect(statSync(confBackend(temp.dir).path).mode & 0o777).toBe(0o600);
  });

  it('moves aside contents that do not fit the schema, or come from a newer version', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(confBackend(temp.dir).path, JSON.stringify({ version: 1, profiles: 'nope', settings: {}, decisions: [] }));
    const vault = await open(createTestCipher());
    expect(vault.problems()[0]?.message).toMatch(/contents are invalid \(profiles/);
    vault.close();
    writeFileSync(confBackend(temp.dir).path, JSON.stringify({ version: 7 }));
    const newer = await open(createTestCipher());
    expect(newer.problems()[0]?.message).toMatch(/newer KeyBridge/);
    expect(readdirSync(temp.dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(2);
  });

  it('migrates an unversioned store and tightens its file mode', async () => {
    const { writeFileSync, chmodSync } = await import('node:fs');
    writeFileSync(confBackend(temp.dir).path, '{}');
    chmodSync(confBackend(temp.dir).path, 0o644);
    const vault = await open(createTestCipher());
    expect(vault.problems()).toEqual([]);
    expect(JSON.parse(fileText())).toMatchObject({ version: 1, profiles: [], decisions: [] });
    expect(statSync(confBackend(temp.dir).path).mode & 0o777).toBe(0o600);
  });

  it('a keychain that is only busy is "locked, try again", never a key to re-enter', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const cipher = createTestCipher();
    const first = await open(cipher);
    await first.add(uo(v.url, 'busy'));
    first.close();
    const decrypt = cipher.decrypt.bind(cipher);
    cipher.decrypt = async () => {
      throw new KeychainBusyError();
    };
    const vault = await open(cipher);
    expect(vault.get('busy').state).not.toBe('needs-reentry');
    expect(await vault.credentialsFor('busy')).toEqual({ ok: false, code: 'locked', message: expect.stringContaining('try again') });
    cipher.decrypt = decrypt;
    expect(await vault.credentialsFor('busy')).toMatchObject({ ok: true });
    expect(vault.problems()).toEqual([]);
  });

  it('marks a key that no longer decrypts as needs-reentry; the others keep working', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY, UO_KEY2]);
    const cipher = createTestCipher();
    const first = await open(cipher);
    await first.add(uo(v.url, 'old'));
    first.close();
    cipher.resetKeychain();
    const second = await open(cipher);
    expect(second.get('old').state).toBe('needs-reentry');
    await second.add(uo(v.url, 'fresh', UO_KEY2));
    second.close();

    const vault = await open(cipher);
    expect(vault.get('old')).toMatchObject({ state: 'needs-reentry', warnings: [expect.stringContaining('can no longer be decrypted')] });
    expect(vault.problems().map((p) => p.message)).toEqual([expect.stringContaining("'old' can no longer be decrypted")]);
    expect(vault.get('fresh').state).toBe('unverified');
    expect(await vault.credentialsFor('fresh')).toMatchObject({ ok: true });
    expect(await vault.credentialsFor('old')).toMatchObject({ ok: false, code: 'locked', message: expect.stringContaining('Re-enter') });
    // Re-entering the same key (it works; it only stopped decrypting here) keeps nothing old.
    const reentered = await vault.reenter('old', UO_KEY);
    expect(reentered).toMatchObject({ state: 'ok', previous: null });
    expect(await vault.credentialsFor('old')).toMatchObject({ ok: true, credentials: { key: UO_KEY } });
    // A key the vendor refuses is not taken.
    await expect(vault.reenter('old', 'uo_test_cccccccccccc5e6f')).rejects.toThrow(/This key did not work, so nothing was changed/);
  });
});
