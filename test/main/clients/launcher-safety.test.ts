// The launcher is written after looking at what is at its path without following links: a
// symlink planted there is replaced by a regular file, never written through; its folders
// are owner-only. Real files in a temp HOME.
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launcherScript, writeLauncher } from '../../../src-main/clients/launcher';
import { PrivateDirError } from '../../../src-main/clients/private-dir';

let dir: string;
let home: string;
let inputs: Parameters<typeof writeLauncher>[0];
let launcher: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kb-launcher-safety-'));
  home = path.join(dir, 'home');
  await mkdir(home);
  inputs = { platform: 'linux', homeDir: home, appExecPath: process.execPath, bridgeScriptPath: path.join(dir, 'bridge.js'), isPackaged: true };
  launcher = path.join(home, '.keybridge', 'bin', 'keybridge-bridge');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

async function plantLink(to: string): Promise<void> {
  await mkdir(path.dirname(launcher), { recursive: true });
  await symlink(to, launcher);
}

describe('writing the launcher where a symlink was planted', () => {
  it('replaces the link with a regular file; the file it pointed at is unchanged', async () => {
    const victim = path.join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n', { mode: 0o600 });
    await plantLink(victim);

    expect(await writeLauncher(inputs)).toEqual({ path: launcher, changed: true });
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
    expect(await modeOf(victim)).toBe(0o600);
    const info = await lstat(launcher);
    expect(info.isSymbolicLink()).toBe(false);
    expect(info.isFile()).toBe(true);
    expect(info.mode & 0o777).toBe(0o755);
    expect(await readFile(launcher, 'utf8')).toBe(launcherScript(inputs));
    // No temp file left behind.
    expect(await readdir(path.dirname(launcher))).toEqual(['keybridge-bridge']);
  });

  it('a link to a file that already holds the launcher text is replaced too, and its mode is not touched through it', async () => {
    const lookalike = path.join(dir, 'lookalike.sh');
    await writeFile(lookalike, launcherScript(inputs), { mode: 0o600 });
    await plantLink(lookalike);

    expect(await writeLauncher(inputs)).toEqual({ path: launcher, changed: true });
    expect(await modeOf(lookalike)).toBe(0o600);
    expect((await lstat(launcher)).isFile()).toBe(true);
    // Written once: the next start finds the same regular file and leaves it be.
    expect(await writeLauncher(inputs)).toEqual({ path: launcher, changed: false });
  });

  it('a dangling link is replaced as well', async () => {
    const missing = path.join(dir, 'nowhere', 'file');
    await plantLink(missing);
    await writeLauncher(inputs);
    expect((await lstat(launcher)).isFile()).toBe(true);
    await expect(stat(missing)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a folder in its place is refused with a clear message', async () => {
    await mkdir(launcher, { recursive: true });
    await expect(writeLauncher(inputs)).rejects.toThrow(/is not a file; move it away/);
  });
});

describe('the launcher’s folders', () => {
  it('creates ~/.keybridge and bin/ owner-only (0700)', async () => {
    await writeLauncher(inputs);
    expect(await modeOf(path.join(home, '.keybridge'))).toBe(0o700);
    expect(await modeOf(path.join(home, '.keybridge', 'bin'))).toBe(0o700);
  });

  it('tightens existing ones that are too open', async () => {
    await mkdir(path.join(home, '.keybridge', 'bin'), { recursive: true });
    await chmod(path.join(home, '.keybridge'), 0o755);
    await chmod(path.join(home, '.keybridge', 'bin'), 0o777);
    await writeLauncher(inputs);
    expect(await modeOf(path.join(home, '.keybridge'))).toBe(0o700);
    expect(await modeOf(path.join(home, '.keybridge', 'bin'))).toBe(0o700);
  });

  it('refuses a ~/.keybridge that is a symlink, and writes nothing where it points', async () => {
    const elsewhere = path.join(dir, 'elsewhere');
    await mkdir(elsewhere, { mode: 0o755 });
    await chmod(elsewhere, 0o755);
    await symlink(elsewhere, path.join(home, '.keybridge'));
    await expect(writeLauncher(inputs)).rejects.toThrow(PrivateDirError);
    await expect(writeLauncher(inputs)).rejects.toThrow(/is a symbolic link/);
    expect(await readdir(elsewhere)).toEqual([]);
    expect(await modeOf(elsewhere)).toBe(0o755);
  });
});
