// The file's profiles as a CredentialSource: lookups, and the key events an edit produces.
import { describe, expect, it } from 'vitest';
import type { KeyEvent } from '../../../src-main/agent';
import { createFileCredentials } from '../../../src-main/headless/file-credentials';
import type { ProfileEntry, ProfilesFile } from '../../../src-main/headless/profiles-file';
import { keyFingerprint } from '../../../src-main/upstream/key-fingerprint';
import { KEY_A, KEY_B, KEY_CUSTOM } from './helpers';

const FILE = '/home/u/profiles.json';
const entry = (key: string, endpoint = 'https://mcp.example.com/mcp'): ProfileEntry => ({ endpoint, auth: 'bearer', key });
const file = (profiles: Record<string, ProfileEntry>, network?: ProfilesFile['network']): ProfilesFile => ({ profiles: new Map(Object.entries(profiles)), network });

describe('createFileCredentials', () => {
  it('answers for the profiles in the file, with the key and its fingerprint', async () => {
    const source = createFileCredentials(FILE, file({ a: entry(KEY_A) }));
    expect(source.has('a')).toBe(true);
    expect(source.has('b')).toBe(false);
    expect(await source.credentialsFor('a')).toEqual({
      ok: true,
      credentials: { endpoint: 'https://mcp.example.com/mcp', auth: 'bearer', key: KEY_A, keyId: keyFingerprint(KEY_A) },
    });
    expect(await source.credentialsFor('b')).toEqual({ ok: false, code: 'unknown-profile', message: `No profile named 'b' in ${FILE}.` });
  });

  it('passes the file network settings with every profile', async () => {
    const source = createFileCredentials(FILE, file({ a: entry(KEY_A) }, { proxy: 'http://proxy.example.com:3128' }));
    expect(await source.credentialsFor('a')).toMatchObject({ ok: true, credentials: { network: { proxy: 'http://proxy.example.com:3128' } } });
  });

  it('tells sessions what an edit changed: credentials for a changed profile, revoked for a removed one', async () => {
    const source = createFileCredentials(FILE, file({ a: entry(KEY_A), b: entry(KEY_B), c: entry(KEY_CUSTOM) }));
    const events: KeyEvent[] = [];
    source.onKeyEvent((event) => void events.push(event));

    const change = await source.apply(file({ a: entry(KEY_CUSTOM), b: entry(KEY_B, 'https://other.example.com/mcp'), d: entry(KEY_A) }));
    expect(change).toEqual({ added: ['d'], changed: ['a', 'b'], removed: ['c'] });
    expect(events).toEqual(
      expect.arrayContaining([
        { type: 'revoked', profile: 'c', message: `The profile 'c' was removed from ${FILE}.` },
        { type: 'credentials', profile: 'a' },
        { type: 'credentials', profile: 'b' },
      ]),
    );
    expect(events).toHaveLength(3);
    expect(await source.credentialsFor('a')).toMatchObject({ ok: true, credentials: { key: KEY_CUSTOM, keyId: keyFingerprint(KEY_CUSTOM) } });
    expect(source.has('c')).toBe(false);
    expect(source.names()).toEqual(['a', 'b', 'd']);
  });

  it('emits nothing for a save that changes nothing, and credentials for every profile when the network changes', async () => {
    const source = createFileCredentials(FILE, file({ a: entry(KEY_A), b: entry(KEY_B) }));
    const events: KeyEvent[] = [];
    source.onKeyEvent((event) => void events.push(event));
    expect(await source.apply(file({ a: entry(KEY_A), b: entry(KEY_B) }))).toEqual({ added: [], changed: [], removed: [] });
    expect(events).toEqual([]);
    await source.apply(file({ a: entry(KEY_A), b: entry(KEY_B) }, { noProxy: 'localhost' }));
    expect(events.map((e) => e.type === 'credentials' && e.profile).sort()).toEqual(['a', 'b']);
  });

  it('resolves apply only after every listener is done, even if one throws', async () => {
    const source = createFileCredentials(FILE, file({ a: entry(KEY_A) }));
    let slowDone = false;
    source.onKeyEvent(() => {
      throw new Error('listener failed');
    });
    source.onKeyEvent(async () => {
      // Done a macrotask turn later: an apply that did not wait would have resolved by then.
      await new Promise((resolve) => setImmediate(resolve));
      slowDone = true;
    });
    await source.apply(file({ a: entry(KEY_B) }));
    expect(slowDone).toBe(true);
  });

  it('remembers every key it held, for redaction', async () => {
    const source = createFileCredentials(FILE, file({ a: entry(KEY_A) }));
    await source.apply(file({ a: entry(KEY_B) }));
    expect([...source.secrets()]).toEqual([KEY_A, KEY_B]);
    await source.apply(file({ a: entry(KEY_B) }, { proxy: 'http://me:s%40cret-proxy@proxy.example.com:3128' }));
    expect([...source.secrets()]).toEqual([KEY_A, KEY_B, 's%40cret-proxy', 's@cret-proxy']);
  });

  it('stops telling a listener that unsubscribed', async () => {
    const source = createFileCredentials(FILE, file({ a: entry(KEY_A) }));
    const events: KeyEvent[] = [];
    const stop = source.onKeyEvent((event) => void events.push(event));
    stop();
    await source.apply(file({}));
    expect(events).toEqual([]);
  });
});
