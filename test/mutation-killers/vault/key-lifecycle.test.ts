// A key's life in the vault (src-main/vault/key-lifecycle.ts) against real parts: conf in a temp
// dir, the AES test cipher (its keychain can be wiped), the fake vendor over real HTTP. What is
// asserted is what the user reads when a step is refused, what the stored profile keeps (previous
// key, last check) and what sessions are told.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVault, type KeyEvent, type Vault } from '../../../src-main/vault';
import type { AddProfileInput } from '../../../src-shared/profile';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { confBackend, createManualClock, createTestCipher, makeTempDir, type TestCipher } from '../../main/vault/helpers';

const UO_KEY = 'uo_test_life_aaaaaaaa1a2b';
const UO_KEY2 = 'uo_test_life_bbbbbbbb3c4d';
const UO_KEY3 = 'uo_test_life_cccccccc5e6f';
const UM_KEY = 'umk_live_test_life_aaaa9f3a';
const UM_KEY2 = 'umk_live_test_life_bbbb7e6d';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const vaults: Vault[] = [];
const vendors: FakeVendor[] = [];
beforeEach(async () => (temp = await makeTempDir('kb-life-')));
afterEach(async () => {
  for (const v of vaults.splice(0)) v.close();
  await Promise.all(vendors.splice(0).map((v) => v.close()));
  await temp.remove();
});

async function vendor(kind: 'uptimeobserver' | 'uptimemonitoring', keys: string[]) {
  const v = await startFakeVendor({ vendor: kind, keys });
  vendors.push(v);
  return v;
}

async function open(cipher: TestCipher = createTestCipher()) {
  const clock = createManualClock();
  const vault = await createVault({ backend: confBackend(temp.dir), cipher, clock, probeTimeoutMs: 5000 });
  vaults.push(vault);
  return { vault, cipher, clock };
}

const uo = (endpoint: string, key = UO_KEY, name = 'uo'): AddProfileInput => ({ name, vendor: 'uptimeobserver', endpoint, auth: 'x-api-key', key });
const um = (endpoint: string, key = UM_KEY, name = 'um'): AddProfileInput => ({ name, vendor: 'uptimemonitoring', endpoint, auth: 'bearer', key });
const custom = (endpoint: string, key = UO_KEY, name = 'own'): AddProfileInput => ({ name, vendor: 'custom', endpoint, auth: 'x-api-key', key });

/** Opens the vault again on a wiped keychain: every stored key no longer decrypts. */
async function reopenWiped(cipher: TestCipher) {
  for (const v of vaults.splice(0)) v.close();
  cipher.resetKeychain();
  return open(cipher);
}

describe('adding with verify: the refusal says why, for adding', () => {
  it('a custom server that rejects the key is "the server"', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY2]);
    const { vault } = await open();
    await expect(vault.add(custom(v.url), { verify: true })).rejects.toThrow('This key was rejected by the server: invalid API key. Check you copied the whole key.');
    expect(vault.list()).toEqual([]);
  });

  it('a 403 is a rejection too, named after the vendor', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    v.revokeKey(UO_KEY);
    const { vault } = await open();
    await expect(vault.add(uo(v.url), { verify: true })).rejects.toThrow('This key was rejected by UptimeObserver: API key revoked. Check you copied the whole key.');
  });

  it('a rejection without words gives the status', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    v.failNext(401, '');
    const { vault } = await open();
    await expect(vault.add(uo(v.url), { verify: true })).rejects.toThrow('This key was rejected by UptimeObserver (401). Check you copied the whole key.');
  });

  it('a server error is not a rejection: the key could not be checked', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    v.failNext(500, JSON.stringify({ error: 'database down' }));
    const { vault } = await open();
    const error = await vault.add(uo(v.url), { verify: true }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^The key could not be checked, so it was not saved: \S/);
    expect((error as Error).message).not.toContain('rejected');
    expect(vault.list()).toEqual([]);
  });

  it('a verified key records the check and when; an unverified one neither', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY, UO_KEY2]);
    const { vault } = await open();
    const verified = await vault.add(uo(v.url), { verify: true });
    expect(verified.lastVerifiedAt).toBe('2026-11-23T10:00:00.000Z');
    expect(verified.lastCheck).toMatchObject({ ok: true });
    const plain = await vault.add(uo(v.url, UO_KEY2, 'plain'));
    expect(plain.lastVerifiedAt).toBeNull();
    expect(plain.lastCheck).toBeNull();
  });

  it('a profile that does not fit is refused with the first thing wrong, in words', async () => {
    const { vault } = await open();
    await expect(vault.add(uo('http://mcp.example.com/mcp'))).rejects.toThrow(/^The MCP URL must use https \(http only for localhost\)\.$/);
    expect(vault.list()).toEqual([]);
  });
});

describe('adding a name that is taken', () => {
  it('is refused first: before the key is checked or the vendor asked', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const { vault } = await open();
    await vault.add(uo(v.url));
    const asked = v.requests.length;
    await expect(vault.add(uo(v.url, 'not-a-key'), { verify: true })).rejects.toThrow("A profile named 'uo' already exists.");
    await expect(vault.add(uo(v.url, UO_KEY2), { verify: true })).rejects.toThrow("A profile named 'uo' already exists.");
    expect(v.requests.length).toBe(asked);
  });
});

describe('rotate', () => {
  it('the key already in use is refused by name', async () => {
    const { vault } = await open();
    await vault.add(uo('https://mcp.uptimeobserver.com/mcp'));
    await expect(vault.rotate('uo', UO_KEY)).rejects.toThrow("That is the key 'uo' already uses.");
  });

  it('an UptimeObserver key that no longer decrypts keeps nothing and needs no revoking first', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY, UO_KEY2, UO_KEY3]);
    const first = await open();
    await first.vault.add(uo(v.url));
    await first.vault.rotate('uo', UO_KEY2);
    expect(first.vault.get('uo').previous).not.toBeNull();
    const { vault } = await reopenWiped(first.cipher);
    expect(vault.get('uo').state).toBe('needs-reentry');
    const events: KeyEvent[] = [];
    vault.onKeyEvent((e) => void events.push(e));
    const rotated = await vault.rotate('uo', UO_KEY3);
    expect(rotated.previous).toBeNull();
    expect(rotated.state).toBe('ok');
    expect(events).toEqual([{ type: 'credentials', profile: 'uo' }]);
    expect(await vault.credentialsFor('uo')).toMatchObject({ ok: true, credentials: { key: UO_KEY3 } });
  });

  it('a rotation of a paused profile tells no session (they hear on resume)', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY, UO_KEY2]);
    const { vault } = await open();
    await vault.add(uo(v.url));
    await vault.setPaused('uo', true);
    const events: KeyEvent[] = [];
    vault.onKeyEvent((e) => void events.push(e));
    await vault.rotate('uo', UO_KEY2);
    expect(events).toEqual([]);
  });

  it('an UptimeMonitoring rotation keeps the old key until the grace window ends', async () => {
    const v = await vendor('uptimemonitoring', [UM_KEY, UM_KEY2]);
    const { vault, clock } = await open();
    await vault.add(um(v.url));
    clock.advance(30_000);
    const rotated = await vault.rotate('um', UM_KEY2);
    expect(rotated.previous).toMatchObject({ fate: 'grace', graceEndsAt: '2026-11-23T10:05:30.000Z', masked: 'umk_live_…9f3a' });
    clock.advance(5 * 60 * 1000 - 1);
    expect(vault.get('um').previous).not.toBeNull();
    clock.advance(1);
    expect(vault.get('um').previous).toBeNull();
  });
});

describe('rollback', () => {
  it('a kept key that no longer decrypts cannot be restored, and says so', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY, UO_KEY2]);
    const first = await open();
    await first.vault.add(uo(v.url));
    await first.vault.rotate('uo', UO_KEY2);
    const { vault } = await reopenWiped(first.cipher);
    await expect(vault.rollback('uo')).rejects.toThrow("The previous key of 'uo' can no longer be decrypted; it cannot be restored.");
    expect(vault.get('uo').previous).not.toBeNull();
  });

  it('a rollback drops the last check of the key rotated to', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY, UO_KEY2]);
    const { vault } = await open();
    await vault.add(uo(v.url));
    const rotated = await vault.rotate('uo', UO_KEY2);
    expect(rotated.lastCheck).toMatchObject({ ok: true });
    const back = await vault.rollback('uo');
    expect(back.lastCheck).toBeNull();
    expect(back.key?.masked).toBe('uo_…1a2b');
  });
});

describe('confirm revoked', () => {
  it('nothing waiting to be revoked: said by name', async () => {
    const v = await vendor('uptimemonitoring', [UM_KEY, UM_KEY2]);
    const { vault } = await open();
    await vault.add(um(v.url));
    await expect(vault.confirmRevoked('um')).rejects.toThrow("'um' has no old key waiting to be revoked.");
    // A key kept for a grace window is not one to revoke.
    await vault.rotate('um', UM_KEY2);
    await expect(vault.confirmRevoked('um')).rejects.toThrow("'um' has no old key waiting to be revoked.");
  });

  it('an old key the vendor does not know (401) is forgotten, and the views hear of it', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY2]);
    const { vault } = await open();
    // Added unverified: the vendor never knew this key.
    await vault.add(uo(v.url));
    await vault.rotate('uo', UO_KEY2);
    const seen: unknown[] = [];
    vault.subscribe((profiles) => seen.push(profiles[0]?.previous ?? null));
    const confirmed = await vault.confirmRevoked('uo');
    expect(confirmed.previous).toBeNull();
    expect(seen).toEqual([null]);
  });

  it('the vendor cannot be reached: not forgotten, and the user is told to try again', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY]);
    const { vault } = await open();
    await vault.add(uo(v.url));
    v.rotate(UO_KEY, UO_KEY2);
    await vault.rotate('uo', UO_KEY2);
    v.failNext(502, JSON.stringify({ error: 'bad gateway' }));
    const error = await vault.confirmRevoked('uo').catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^Could not check that UptimeObserver refuses the old key uo_…1a2b \(.+\)\. Try again when UptimeObserver can be reached\.$/);
    expect(vault.get('uo').previous).toMatchObject({ masked: 'uo_…1a2b' });
  });

  it('an old key that no longer decrypts cannot be checked: it is forgotten without asking the vendor', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY, UO_KEY2]);
    const first = await open();
    await first.vault.add(uo(v.url));
    await first.vault.rotate('uo', UO_KEY2);
    const { vault } = await reopenWiped(first.cipher);
    const asked = v.requests.length;
    expect((await vault.confirmRevoked('uo')).previous).toBeNull();
    expect(v.requests.length).toBe(asked);
  });
});

describe('re-enter', () => {
  it('the same key keeps a rotation in progress; another key ends it', async () => {
    const v = await vendor('uptimeobserver', [UO_KEY, UO_KEY2, UO_KEY3]);
    const first = await open();
    await first.vault.add(uo(v.url));
    await first.vault.rotate('uo', UO_KEY2);
    const { vault } = await reopenWiped(first.cipher);
    const same = await vault.reenter('uo', UO_KEY2);
    expect(same.previous).toMatchObject({ masked: 'uo_…1a2b', fate: 'until-revoked' });
    expect(same.state).not.toBe('needs-reentry');
    expect(same.lastCheck).toMatchObject({ ok: true });
    expect(same.lastVerifiedAt).toBe(same.lastCheck?.at);
    const other = await vault.reenter('uo', UO_KEY3);
    expect(other.previous).toBeNull();
    expect(other.key?.masked).toBe('uo_…5e6f');
    expect(await vault.credentialsFor('uo')).toMatchObject({ ok: true, credentials: { key: UO_KEY3 } });
  });
});
