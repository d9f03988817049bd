// dist/bridge.js compiles its embedded bundle with V8's code cache in ~/.keybridge/cache: the
// first run writes it, later runs use it, and a bad or unwritable cache never stops the bridge.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bridgePath } from '../support/bridge-process';
import { until } from '../support/until';

let home: string | undefined;
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

function runVersion(homeDir: string) {
  const r = spawnSync(process.execPath, [bridgePath(), '--version'], { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH ?? '', HOME: homeDir } });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

function cacheFilesSync(homeDir: string): string[] {
  try {
    return readdirSync(join(homeDir, '.keybridge', 'cache'));
  } catch {
    return [];
  }
}

async function cacheFiles(homeDir: string): Promise<string[]> {
  return (await readdir(join(homeDir, '.keybridge', 'cache'))).map((f) => join(homeDir, '.keybridge', 'cache', f));
}

describe('the bridge code cache', () => {
  it('is written owner-only on the first run and reused as it is afterwards', async () => {
    home = await mkdtemp(join(tmpdir(), 'kb-cache-'));
    expect(runVersion(home)).toMatchObject({ code: 0, stdout: '0.1.0', stderr: '' });
    const [file, ...others] = await cacheFiles(home);
    expect(others).toEqual([]);
    expect(file).toMatch(/bridge-[0-9a-f]{16}-v\d+\.\d+\.\d+\.v8cache$/);
    expect((await stat(file!)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.keybridge', 'cache'))).mode & 0o777).toBe(0o700);
    const first = await readFile(file!);

    expect(runVersion(home)).toMatchObject({ code: 0, stdout: '0.1.0' });
    expect(await readFile(file!)).toEqual(first);
  });

  it('a corrupt cache is rejected, the bridge runs, and a fresh cache replaces it', async () => {
    home = await mkdtemp(join(tmpdir(), 'kb-cache-'));
    runVersion(home);
    const [file] = await cacheFiles(home);
    await writeFile(file!, 'not a code cache');
    expect(runVersion(home)).toMatchObject({ code: 0, stdout: '0.1.0', stderr: '' });
    expect((await readFile(file!)).toString()).not.toBe('not a code cache');
  });

  it('a running bridge writes it after start-up, without waiting for exit', async () => {
    home = await mkdtemp(join(tmpdir(), 'kb-cache-'));
    const homeDir = home;
    // No agent at that socket: the bridge keeps retrying and serving stdin until it closes.
    const bridge = spawn(process.execPath, [bridgePath(), '--profile', 'p1', '--agent', join(homeDir, 'no-agent.sock')], {
      env: { PATH: process.env.PATH ?? '', HOME: homeDir },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const exited = new Promise((resolve) => bridge.once('exit', resolve));
    try {
      await until(() => cacheFilesSync(homeDir).some((f) => f.endsWith('.v8cache')), 'the cache file', 10_000);
      expect(bridge.exitCode).toBeNull();
      expect(cacheFilesSync(homeDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      bridge.stdin.end();
      await exited;
    }
  });

  it('an unwritable home costs only the compile time', async () => {
    home = await mkdtemp(join(tmpdir(), 'kb-cache-'));
    const notADir = join(home, 'file');
    await writeFile(notADir, '');
    expect(runVersion(notADir)).toMatchObject({ code: 0, stdout: '0.1.0', stderr: '' });
  });
});
