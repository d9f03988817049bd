// Reading the profiles file: who may read it, what it must contain, and refusals that say
// what is wrong without ever containing a key.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProfilesText, readProfilesFile, type ReadResult } from '../../../src-main/headless/profiles-file';
import { permissionProblem } from '../../../src-main/headless/profiles-permissions';
import { isLoopbackHost } from '../../../src-main/headless/profiles-schema';
import { KEY_A, KEY_B, KEY_CUSTOM, makeTempDir, profilesJson, writeProfiles, type TempDir } from './helpers';

let temp: TempDir;
let file: string;
beforeEach(() => {
  temp = makeTempDir();
  file = join(temp.dir, 'profiles.json');
});
afterEach(() => temp.remove());

const good = profilesJson({
  uptime: { endpoint: 'https://mcp.uptimeobserver.com/mcp', auth: 'x-api-key', key: KEY_A },
  monitoring: { endpoint: 'https://mcp.example.com/mcp', auth: 'bearer', key: KEY_B },
});

function refusal(result: ReadResult): string {
  if (result.ok) throw new Error('expected a refusal');
  expect(result.message).not.toMatch(/\n/);
  for (const key of [KEY_A, KEY_B, KEY_CUSTOM]) expect(result.message).not.toContain(key);
  return result.message;
}

describe('permissions', () => {
  it('reads a 0600 file of the user, and a 0400 one', () => {
    writeProfiles(file, good, 0o600);
    const result = readProfilesFile(file);
    expect(result.ok && [...result.file.profiles.keys()]).toEqual(['uptime', 'monitoring']);
    expect(result.ok && result.file.profiles.get('uptime')).toEqual({ endpoint: 'https://mcp.uptimeobserver.com/mcp', auth: 'x-api-key', key: KEY_A });
    chmodSync(file, 0o400);
    expect(readProfilesFile(file).ok).toBe(true);
  });

  it('refuses a file others may read or write, saying the mode and the fix', () => {
    for (const mode of [0o644, 0o640, 0o604, 0o660, 0o602, 0o666]) {
      writeProfiles(file, good, mode);
      const message = refusal(readProfilesFile(file));
      expect(message).toContain(file);
      expect(message).toContain(`mode 0${mode.toString(8)}`);
      expect(message).toContain(`chmod 600 ${file}`);
    }
  });

  it('refuses a file owned by another user', () => {
    writeProfiles(file, good);
    if (process.getuid?.() === 0) {
      // Root can give the file away for real (CI runs as root).
      chownSync(file, 65534, 65534);
      expect(refusal(readProfilesFile(file))).toMatch(/belongs to another user \(uid 65534, you are uid 0\)/);
    }
    // As anyone: the same check, with the current user said to be someone else.
    const me = process.getuid?.() ?? 1000;
    writeProfiles(file, good);
    if (process.getuid?.() === 0) chownSync(file, 0, 0);
    expect(refusal(readProfilesFile(file, { uid: me + 1 }))).toMatch(/belongs to another user/);
  });

  it('checks owner and mode in one function that takes any uid', () => {
    const stat = (uid: number, mode: number, kind: 'file' | 'link' | 'dir' = 'file') => ({
      uid,
      mode,
      isFile: () => kind === 'file',
      isSymbolicLink: () => kind === 'link',
    });
    expect(permissionProblem('/p', stat(501, 0o100600), 501)).toBeNull();
    expect(permissionProblem('/p', stat(501, 0o100600), 502)).toMatch(/uid 501, you are uid 502/);
    expect(permissionProblem('/p', stat(501, 0o100620), 501)).toMatch(/mode 0620/);
    expect(permissionProblem('/p', stat(501, 0o120777, 'link'), 501)).toMatch(/symbolic link/);
    expect(permissionProblem('/p', stat(501, 0o40700, 'dir'), 501)).toMatch(/not a regular file/);
    // No uids (Windows): only the kind of file is checked.
    expect(permissionProblem('/p', stat(0, 0o100666), undefined)).toBeNull();
  });

  it('refuses a symbolic link, even to a good file, and says to pass the real path', () => {
    const real = join(temp.dir, 'real.json');
    writeProfiles(real, good);
    symlinkSync(real, file);
    expect(refusal(readProfilesFile(file))).toMatch(/is a symbolic link; .*pass its real path/);
  });

  it('refuses what is not a regular file, without hanging on a FIFO', () => {
    mkdirSync(file, { mode: 0o700 });
    expect(refusal(readProfilesFile(file))).toMatch(/not a regular file/);
    const fifo = join(temp.dir, 'fifo.json');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    expect(refusal(readProfilesFile(fifo))).toMatch(/not a regular file/);
  });

  it('says when the file does not exist', () => {
    expect(refusal(readProfilesFile(file))).toBe(`${file} does not exist.`);
  });
});


describe('content', () => {
  const parse = (text: string) => parseProfilesText(text, '/home/u/profiles.json');
  const one = (fields: Record<string, unknown>) => JSON.stringify({ profiles: { uptime: fields } });
  const ok = { endpoint: 'https://mcp.example.com/mcp', auth: 'bearer', key: KEY_CUSTOM };

  it('takes https anywhere and http only on loopback', () => {
    for (const endpoint of ['http://127.0.0.1:8080/mcp', 'http://127.9.8.7/mcp', 'http://localhost:3000/mcp', 'http://[::1]:3000/mcp', 'http://LOCALHOST/mcp']) {
      expect(parse(one({ ...ok, endpoint })).ok, endpoint).toBe(true);
    }
    for (const endpoint of ['http://mcp.example.com/mcp', 'http://10.0.0.1/mcp', 'http://128.0.0.1/mcp', 'http://[::2]/mcp', 'http://localhost.evil.com/mcp', 'http://0.0.0.0/mcp']) {
      expect(refusal(parse(one({ ...ok, endpoint }))), endpoint).toBe(
        "/home/u/profiles.json: profile 'uptime': endpoint must use https (http only for this machine: localhost, 127.0.0.0/8, ::1)",
      );
    }
    expect(refusal(parse(one({ ...ok, endpoint: 'ftp://x.example.com/mcp' })))).toMatch(/endpoint must be an https:\/\/ URL/);
    expect(refusal(parse(one({ ...ok, endpoint: 'mcp.example.com/mcp' })))).toMatch(/endpoint is not a URL/);
    expect(refusal(parse(one({ ...ok, endpoint: `https://user:${KEY_CUSTOM}@x.example.com/mcp` })))).toMatch(/must not contain a user name or password/);
  });

  it('knows loopback hosts as the URL parser writes them', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost(new URL('http://127.1/').hostname)).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('127.example.com')).toBe(false);
  });

  it('names the profile and the field that is wrong', () => {
    expect(refusal(parse(one({ ...ok, auth: 'basic' })))).toBe(`/home/u/profiles.json: profile 'uptime': auth must be "x-api-key" or "bearer"`);
    expect(refusal(parse(one({ endpoint: ok.endpoint, auth: 'bearer' })))).toBe(`/home/u/profiles.json: profile 'uptime': key is missing`);
    expect(refusal(parse(one({ ...ok, key: 42 })))).toBe(`/home/u/profiles.json: profile 'uptime': key must be a string`);
    expect(refusal(parse(one({ ...ok, key: `${KEY_CUSTOM} x` })))).toMatch(/profile 'uptime': key contains spaces/);
    expect(refusal(parse(one({ ...ok, key: 'abc' })))).toMatch(/profile 'uptime': key is too short/);
    expect(refusal(parse(one({ ...ok, key: '' })))).toMatch(/profile 'uptime': key is empty/);
    expect(refusal(parse(one({ ...ok, endpiont: 'x' })))).toBe(`/home/u/profiles.json: profile 'uptime': unknown field "endpiont" (a typo?)`);
    expect(refusal(parse(JSON.stringify({ profiles: { uptime: 'x' } })))).toMatch(/profile 'uptime' must be an object/);
    expect(refusal(parse(JSON.stringify({ profiles: { 'up time': ok } })))).toMatch(/"up time" is not a valid profile name: A profile name uses only/);
    expect(refusal(parse(JSON.stringify({ profiles: [] })))).toMatch(/profiles must be an object of profiles by name/);
    expect(refusal(parse(JSON.stringify({ profile: {} })))).toMatch(/profiles is missing/);
    expect(refusal(parse('[]'))).toMatch(/must be a JSON object with "profiles"/);
    expect(refusal(parse(''))).toMatch(/is empty/);
  });

  it('refuses a profile named twice (JSON would silently keep the last)', () => {
    const text = `{"profiles": {"uptime": ${JSON.stringify(ok)}, "uptime": ${JSON.stringify({ ...ok, key: KEY_A })}}}`;
    expect(refusal(parse(text))).toMatch(/profile 'uptime' appears twice/);
  });

  it('says where JSON is broken, never quoting the text around it (the key may be there)', () => {
    const text = `{\n  "profiles": {\n    "uptime": {"endpoint": "https://x.example.com/mcp", "auth": "bearer", "key": ${KEY_CUSTOM}}\n  }\n}`;
    expect(refusal(parse(text))).toBe('/home/u/profiles.json: is not valid JSON (unexpected character at line 3, column 82)');
    expect(refusal(parse(`{"profiles": {"a": ${JSON.stringify(ok)},}}`))).toMatch(/is not valid JSON \(expected a "quoted" name at line 1/);
    expect(refusal(parse(`// comment\n${JSON.stringify({ profiles: {} })}`))).toMatch(/is not valid JSON/);
  });

  it('accepts an empty set of profiles, a byte-order mark, and network settings', () => {
    expect(parse('{"profiles": {}}')).toEqual({ ok: true, file: { profiles: new Map(), network: undefined } });
    expect(parse(`\ufeff${one(ok)}`).ok).toBe(true);
    const ca = join(temp.dir, 'ca.pem');
    writeFileSync(ca, 'not checked here');
    const result = parse(JSON.stringify({ profiles: { uptime: ok }, network: { proxy: 'http://proxy.example.com:3128', noProxy: 'localhost', extraCaCerts: ca } }));
    expect(result.ok && result.file.network).toEqual({ proxy: 'http://proxy.example.com:3128', noProxy: 'localhost', extraCaCerts: ca });
  });

  it('takes a relative extraCaCerts from the profiles file folder', () => {
    mkdirSync(join(temp.dir, 'certs'));
    writeFileSync(join(temp.dir, 'certs', 'ca.pem'), 'not checked here');
    const result = parseProfilesText(JSON.stringify({ profiles: {}, network: { extraCaCerts: 'certs/ca.pem' } }), file);
    expect(result.ok && result.file.network).toEqual({ extraCaCerts: join(temp.dir, 'certs', 'ca.pem') });
    expect(refusal(parseProfilesText(JSON.stringify({ profiles: {}, network: { extraCaCerts: 'none.pem' } }), file))).toBe(
      `${file}: network.extraCaCerts is not a file: ${join(temp.dir, 'none.pem')}`,
    );
  });

  it('checks network settings', () => {
    expect(refusal(parse(JSON.stringify({ profiles: {}, network: { proxy: 'socks5://p:1080' } })))).toMatch(/network\.proxy must be an http/);
    expect(refusal(parse(JSON.stringify({ profiles: {}, network: { extraCaCerts: join(temp.dir, 'none.pem') } })))).toMatch(/network\.extraCaCerts is not a file/);
    expect(refusal(parse(JSON.stringify({ profiles: {}, network: { proxi: 'x' } })))).toMatch(/network: unknown field "proxi"/);
  });
});
