// ~/.keybridge and the folders KeyBridge writes in it are owner-only: created 0700, tightened
// when an existing one is wider; a symlink or a non-folder in their place is refused.
import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ensurePrivateDir, keybridgeHome, PrivateDirError, securePrivateFolders } from '../../../src-main/clients/private-dir';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'kb-private-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});
const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

it('creates missing folders 0700, parents included', async () => {
  const bin = path.join(keybridgeHome(home, 'linux'), 'bin');
  await ensurePrivateDir(bin, 'linux');
  expect(await modeOf(bin)).toBe(0o700);
  expect(await modeOf(keybridgeHome(home, 'linux'))).toBe(0o700);
});

it('tightens ~/.keybridge, bin/ and backups/ where they exist; run/ is left to the agent', async () => {
  const kb = keybridgeHome(home, 'linux');
  for (const folder of ['bin', 'backups', 'run']) await mkdir(path.join(kb, folder), { recursive: true });
  await chmod(kb, 0o755);
  await chmod(path.join(kb, 'bin'), 0o775);
  await chmod(path.join(kb, 'backups'), 0o777);
  await chmod(path.join(kb, 'run'), 0o755);
  await securePrivateFolders(home, 'linux');
  expect(await modeOf(kb)).toBe(0o700);
  expect(await modeOf(path.join(kb, 'bin'))).toBe(0o700);
  expect(await modeOf(path.join(kb, 'backups'))).toBe(0o700);
  expect(await modeOf(path.join(kb, 'run'))).toBe(0o755);
});

it('creates ~/.keybridge alone when nothing exists yet', async () => {
  await securePrivateFolders(home, 'linux');
  expect(await modeOf(keybridgeHome(home, 'linux'))).toBe(0o700);
});

it('refuses a symlink (dangling or not) or a file in place of a private folder', async () => {
  const target = path.join(home, 'target');
  await mkdir(target, { mode: 0o755 });
  await chmod(target, 0o755);
  await symlink(target, keybridgeHome(home, 'linux'));
  await expect(securePrivateFolders(home, 'linux')).rejects.toThrow(PrivateDirError);
  expect(await modeOf(target)).toBe(0o755);

  const dangling = path.join(home, 'dangling');
  await symlink(path.join(home, 'missing'), dangling);
  await expect(ensurePrivateDir(dangling, 'linux')).rejects.toThrow(/symbolic link/);

  const file = path.join(home, 'file');
  await writeFile(file, 'x');
  await expect(ensurePrivateDir(file, 'linux')).rejects.toThrow(/not a folder/);
});
