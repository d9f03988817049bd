// The tray removes the code cache old bridges kept (a planted file there ran code in the
// bridge); a symlink in its place goes, its target stays.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeRetiredCodeCache } from '../../../src-main/clients/retired-cache';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function home(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kb-cache-'));
  dirs.push(dir);
  await mkdir(join(dir, '.keybridge'), { recursive: true });
  return dir;
}

describe('the retired bridge code cache', () => {
  it('is removed with whatever was planted in it', async () => {
    const h = await home();
    await mkdir(join(h, '.keybridge', 'cache'));
    await writeFile(join(h, '.keybridge', 'cache', 'bridge-0123456789abcdef.cache'), 'planted');
    const logs: string[] = [];
    await removeRetiredCodeCache(h, (_level, message) => logs.push(message));
    expect(existsSync(join(h, '.keybridge', 'cache'))).toBe(false);
    expect(logs.join('\n')).toContain('Removed the old bridge code cache');
  });

  it('a symlink in its place is removed, never followed', async () => {
    const h = await home();
    const elsewhere = join(h, 'precious');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'keep.txt'), 'keep me');
    await symlink(elsewhere, join(h, '.keybridge', 'cache'));
    await removeRetiredCodeCache(h, () => undefined);
    expect(existsSync(join(h, '.keybridge', 'cache'))).toBe(false);
    expect(await readFile(join(elsewhere, 'keep.txt'), 'utf8')).toBe('keep me');
  });

  it('nothing there: nothing happens', async () => {
    const h = await home();
    const logs: string[] = [];
    await removeRetiredCodeCache(h, (_level, message) => logs.push(message));
    expect(logs).toEqual([]);
  });
});
