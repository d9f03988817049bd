// The app's log on disk (Settings → Open logs): lines appended owner-only, one generation kept
// past the size cap; the core shows the file, and says so when there is none.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLogFile } from '../../../src-main/app/log-file';
import { startCoreHarness, type CoreHarness } from './core-harness';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0)) await clean();
});

describe('the log file', () => {
  it('appends one line per entry, owner-only, and rolls over past its cap', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kb-log-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const log = openLogFile(join(dir, 'logs', 'keybridge.log'), () => new Date('2026-11-30T10:00:00Z'), 200);
    log.write('info', 'first\nline');
    expect(await readFile(log.path, 'utf8')).toBe('2026-11-30T10:00:00.000Z info first ⏎ line\n');
    expect((await stat(log.path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'logs'))).mode & 0o777).toBe(0o700);
    for (let i = 0; i < 10; i++) log.write('warn', `entry ${i} ${'x'.repeat(40)}`);
    expect(existsSync(`${log.path}.1`)).toBe(true);
    expect((await stat(log.path)).size).toBeLessThan(400);
  });

  it('the core shows it in the file manager, or says there is none', async () => {
    const shown: string[] = [];
    const withFile: CoreHarness = await startCoreHarness({ logFile: '/tmp/kb/keybridge.log', showItemInFolder: (file) => void shown.push(file) });
    cleanups.push(() => withFile.close());
    await withFile.core.app.openLogs();
    expect(shown).toEqual(['/tmp/kb/keybridge.log']);
    const without = await startCoreHarness();
    cleanups.push(() => without.close());
    await expect(without.core.app.openLogs()).rejects.toThrow('This KeyBridge writes no log file.');
  });
});
