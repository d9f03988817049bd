// Writing an assistant's config (src-main/clients/config-writer.ts) on real files in a temp
// folder: nothing is written when there is nothing to change, a new file is owner-only and its
// folder is made, an existing file keeps its mode and gets a backup, a file the assistant
// rewrites meanwhile is read again (a bounded number of times), and a write that cannot happen
// leaves neither the file changed nor a backup behind, with the reason in words.
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigWriteError } from '../../../src-main/clients/config-access';
import { listBackups } from '../../../src-main/clients/config-backups';
import { updateFile } from '../../../src-main/clients/config-writer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kb-writer-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const mode = async (file: string) => (await stat(file)).mode & 0o777;
const ORIGINAL = '{ "mcpServers": {} }\n';
const NEXT = '{ "mcpServers": { "kb": {} } }\n';

async function existing(text = ORIGINAL, fileMode = 0o644): Promise<string> {
  const file = path.join(dir, 'mcp.json');
  await writeFile(file, text);
  await chmod(file, fileMode);
  return file;
}

describe('nothing to change, nothing written', () => {
  it('a change that answers null or the same text writes nothing and makes no backup', async () => {
    const file = await existing();
    const before = await stat(file);
    expect(await updateFile(file, () => null)).toEqual({ changed: false, backupPath: null });
    expect(await updateFile(file, (text) => text)).toEqual({ changed: false, backupPath: null });
    const after = await stat(file);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(await readFile(file, 'utf8')).toBe(ORIGINAL);
    expect(await listBackups(file)).toEqual([]);
  });
});

describe('a write', () => {
  it('creates a missing file owner-only, with the folders it needs, and no backup', async () => {
    const file = path.join(dir, 'app', 'nested', 'mcp.json');
    const seen: string[] = [];
    const outcome = await updateFile(file, (text) => {
      seen.push(text);
      return NEXT;
    });
    expect(seen).toEqual(['']);
    expect(outcome).toEqual({ changed: true, backupPath: null });
    expect(await readFile(file, 'utf8')).toBe(NEXT);
    expect(await mode(file)).toBe(0o600);
  });

  it('replaces an existing file keeping its mode, after a backup of the previous bytes', async () => {
    const file = await existing(ORIGINAL, 0o640);
    const outcome = await updateFile(file, (text) => `${text.trimEnd()} // edited\n`);
    expect(outcome.changed).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(`${ORIGINAL.trimEnd()} // edited\n`);
    expect(await mode(file)).toBe(0o640);
    expect(await listBackups(file)).toEqual([outcome.backupPath]);
    expect(await readFile(outcome.backupPath!, 'utf8')).toBe(ORIGINAL);
    expect(await mode(outcome.backupPath!)).toBe(0o640);
  });

  it('writes non-ASCII text as UTF-8', async () => {
    const file = await existing();
    const text = '{ "note": "Zürich – 東京 ✓" }\n';
    await updateFile(file, () => text);
    expect((await readFile(file)).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });
});

describe('the assistant rewrites the file meanwhile', () => {
  it('the change is made again on what is there now, and the dropped backup goes', async () => {
    const file = await existing();
    const rewritten = '{ "mcpServers": { "theirs": {} } }\n';
    const seen: string[] = [];
    const outcome = await updateFile(file, async (text) => {
      seen.push(text);
      // The first time, the assistant saves its own edit while KeyBridge is busy.
      if (seen.length === 1) await writeFile(file, rewritten);
      return text.replace('"mcpServers": {', '"mcpServers": { "kb": {},');
    });
    expect(seen).toEqual([ORIGINAL, rewritten]);
    expect(await readFile(file, 'utf8')).toBe('{ "mcpServers": { "kb": {}, "theirs": {} } }\n');
    // Only the backup of the write that happened is left, and it holds the assistant's edit.
    expect(await listBackups(file)).toEqual([outcome.backupPath]);
    expect(await readFile(outcome.backupPath!, 'utf8')).toBe(rewritten);
  });

  it('tries four times at most, then writes its change over a file that keeps changing', async () => {
    const file = await existing('v0');
    const seen: string[] = [];
    const outcome = await updateFile(file, async (text) => {
      seen.push(text);
      await writeFile(file, `v${seen.length}`);
      return `${text}+kb`;
    });
    expect(seen).toEqual(['v0', 'v1', 'v2', 'v3']);
    expect(outcome.changed).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('v3+kb');
    // The one backup left is of the bytes that last write replaced.
    expect(await listBackups(file)).toEqual([outcome.backupPath]);
    expect(await readFile(outcome.backupPath!, 'utf8')).toBe('v4');
  });
});

describe('a write that cannot happen changes nothing', () => {
  it('no backup can be made: refused before anything, in words', async () => {
    const file = await existing(ORIGINAL, 0o600);
    // The folder is more open than the file: the backup must go to the private folder, which
    // cannot be made (a file is in the way).
    await chmod(dir, 0o777);
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, '');
    let ran = false;
    const error = await updateFile(file, () => NEXT, {
      privateBackupDir: path.join(blocker, 'backups'),
      beforeWrite: async () => {
        ran = true;
        return undefined;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigWriteError);
    expect((error as ConfigWriteError).message).toBe(
      `KeyBridge did not change ${file}: its backup could not be made (a part of its path is not a folder (ENOTDIR)). Nothing was changed.`,
    );
    expect(ran).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(ORIGINAL);
  });

  it('beforeWrite refuses: its error as it is, the new backup removed, the file as it was', async () => {
    const file = await existing();
    const refusal = new Error('the vault said no');
    await expect(
      updateFile(file, () => NEXT, {
        beforeWrite: async () => {
          expect(await listBackups(file)).toHaveLength(1);
          throw refusal;
        },
      }),
    ).rejects.toBe(refusal);
    expect(await readFile(file, 'utf8')).toBe(ORIGINAL);
    expect(await listBackups(file)).toEqual([]);
  });

  it('the write fails after beforeWrite: its undo runs, the backup goes, the reason is said', async () => {
    const file = await existing();
    let undone = 0;
    const error = await updateFile(file, () => NEXT, {
      // Something puts a folder where the file was, right before the replace.
      beforeWrite: async () => {
        await rm(file);
        await mkdir(file);
        return async () => {
          undone++;
        };
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigWriteError);
    expect((error as ConfigWriteError).message).toBe(`KeyBridge did not change ${file}: writing it failed (it is a folder, not a file (EISDIR)). Nothing was changed.`);
    expect(undone).toBe(1);
    expect(await listBackups(file)).toEqual([]);
  });

  it('the write fails after a beforeWrite with nothing to undo: the same refusal, no backup left', async () => {
    const file = await existing();
    const error = await updateFile(file, () => NEXT, {
      beforeWrite: async () => {
        await rm(file);
        await mkdir(file);
        return undefined;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigWriteError);
    expect((error as ConfigWriteError).reason).toBe('writing it failed (it is a folder, not a file (EISDIR))');
    expect(await listBackups(file)).toEqual([]);
  });

  it('a write that succeeds never runs the undo', async () => {
    const file = await existing();
    let undone = 0;
    const outcome = await updateFile(file, () => NEXT, {
      beforeWrite: async () => async () => {
        undone++;
      },
    });
    expect(outcome.changed).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(NEXT);
    expect(undone).toBe(0);
  });
});
