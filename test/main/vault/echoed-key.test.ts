// A server that echoes the key it received (in a 401 or a 500 body) must not get that key into
// what the vault stores, returns or throws: redaction by the key itself, not by its prefix.
// Real files, the AES test cipher, the fake vendor behind a careless front over real HTTP.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVault, type Vault } from '../../../src-main/vault';
import { REDACTED, redact } from '../../../src-shared/redact';
import type { AddProfileInput } from '../../../src-shared/profile';
import { startEchoFront, type EchoFront } from '../../support/echo-front';
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor';
import { confBackend, createManualClock, createTestCipher, makeTempDir, type TestCipher } from './helpers';

const CUSTOM = 'sk-test-custom-secret-123';
const CUSTOM2 = 'sk-test-custom-second-456';
// Dots and tildes: the vendor-prefix pattern stops at them, so only redaction by the key itself hides the rest.
const UM_OLD = 'umk_live_test.echo~old.0001';
const UM_NEW = 'umk_live_test.echo~new.0002';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let vendor: FakeVendor;
let front: EchoFront;
let vaults: Vault[];

beforeEach(async () => {
  temp = await makeTempDir();
  vendor = await startFakeVendor({ vendor: 'uptimemonitoring', keys: [CUSTOM, CUSTOM2, UM_OLD] });
  front = await startEchoFront({ port: vendor.port });
  vaults = [];
});
afterEach(async () => {
  for (const v of vaults) v.close();
  await front.close();
  await vendor.close();
  await temp.remove();
});

async function open(cipher: TestCipher, clock = createManualClock()) {
  const vault = await createVault({ backend: confBackend(temp.dir), cipher, clock, probeTimeoutMs: 5000 });
  vaults.push(vault);
  return vault;
}

const custom = (key = CUSTOM, name = 'custom-api'): AddProfileInput => ({ name, vendor: 'custom', endpoint: front.url, auth: 'bearer', keyPrefix: null, key });
const fileText = () => readFileSync(confBackend(temp.dir).path, 'utf8');
/** A 401 in UptimeMonitoring's shape (JSON sent as text/plain) that quotes the key it got. */
const echo401 = { status: 401, body: (key: string) => JSON.stringify({ error: `invalid credentials: no account has the key ${key}` }) };
/** A 500 that dumps what it was handling into a plain-text body. */
const echo500 = { status: 500, body: (key: string) => `Internal Server Error\nwhile looking up token=${key} in accounts` };

describe('a key the server echoes back', () => {
  it('add: the refusal names the vendor’s words with the key redacted, and nothing is stored', async () => {
    const vault = await open(createTestCipher());
    front.echoNext(echo401);
    const refused = await vault.add(custom(), { verify: true }).then(
      () => null,
      (error: unknown) => (error as Error).message,
    );
    expect(front.echoed).toBe(1);
    expect(refused).toContain('invalid credentials');
    expect(refused).toContain(REDACTED);
    expect(refused).not.toContain(CUSTOM);
    expect(refused).not.toContain('secret-123');
    expect(vault.list()).toEqual([]);
    expect(fileText()).not.toContain(CUSTOM);
  });

  it('verify: a 401 and a 500 that echo the key leave it out of the result, the stored last check and the file', async () => {
    const vault = await open(createTestCipher());
    await vault.add(custom(), { verify: true });
    for (const [answer, status] of [
      [echo401, 401],
      [echo500, 500],
    ] as const) {
      front.echoNext(answer);
      const result = await vault.verify('custom-api');
      expect(result).toMatchObject({ ok: false, status });
      expect(result.ok ? '' : result.message).toContain(REDACTED);
      expect(JSON.stringify(result)).not.toContain(CUSTOM);
      expect(JSON.stringify(vault.get('custom-api'))).not.toContain(CUSTOM);
      expect(vault.get('custom-api').lastCheck).toEqual(result);
      expect(fileText()).not.toContain(CUSTOM);
      expect(fileText()).not.toContain('secret-123');
    }
    expect(front.echoed).toBe(2);
    const all = await (async () => {
      front.echoNext(echo500);
      return vault.verifyAll();
    })();
    expect(JSON.stringify(all)).not.toContain(CUSTOM);
  });

  it('rotate: the new key echoed in the refusal, and the current key the server quotes too, are redacted', async () => {
    const vault = await open(createTestCipher());
    await vault.add(custom(), { verify: true });
    // A server that remembers what it saw earlier: it quotes the current key along with the new one.
    front.echoNext({ status: 401, body: (received) => `{"error":"invalid credentials: ${received} (last good key ${CUSTOM})"}` });
    const refused = await vault.rotate('custom-api', CUSTOM2).then(
      () => null,
      (error: unknown) => (error as Error).message,
    );
    expect(refused).toMatch(/^The new key did not work, so nothing was changed: .*invalid credentials/);
    expect(refused).not.toContain(CUSTOM2);
    expect(refused).not.toContain(CUSTOM);
    expect(fileText()).not.toContain(CUSTOM2);
  });

  it('after a rotation with a grace window, the kept previous key is redacted too — also after a restart', async () => {
    const cipher = createTestCipher();
    const first = await open(cipher);
    await first.add({ name: 'um', vendor: 'uptimemonitoring', endpoint: front.url, auth: 'bearer', keyPrefix: null, key: UM_OLD }, { verify: true });
    vendor.rotate(UM_OLD, UM_NEW);
    await first.rotate('um', UM_NEW);
    first.close();

    // A new process: the keys are known again only by decrypting them (the current and the kept one).
    const vault = await open(cipher);
    expect(vault.get('um').previous).toMatchObject({ fate: 'grace' });
    expect(redact(UM_OLD)).toContain('echo~old.0001');
    front.echoNext({ status: 500, body: (received) => `upstream refused ${received}; previous ${UM_OLD}` });
    const result = await vault.verify('um');
    expect(result).toMatchObject({ ok: false, status: 500 });
    expect(JSON.stringify(result)).not.toContain('echo~new.0002');
    expect(JSON.stringify(result)).not.toContain('echo~old.0001');
    expect(fileText()).not.toContain('echo~');
    expect(vault.redact(`old ${UM_OLD} and new ${UM_NEW}`)).toBe(`old ${REDACTED} and new ${REDACTED}`);
  });

  it('vault.redact knows every key seen in this process (removed ones too) and the file never holds them', async () => {
    const vault = await open(createTestCipher());
    await vault.add(custom());
    await vault.add(custom(CUSTOM2, 'second'));
    await vault.remove('second');
    expect(vault.redact(`a ${CUSTOM} b ${CUSTOM2} c`)).toBe(`a ${REDACTED} b ${REDACTED} c`);
    expect(vault.redact('nothing secret')).toBe('nothing secret');
    expect(fileText()).not.toContain(CUSTOM);
    expect(fileText()).not.toContain(CUSTOM2);
  });
});
