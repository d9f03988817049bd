import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { launcherPath, launcherScript, writeLauncher } from '../../../src-main/clients/launcher';

const run = promisify(execFile);
let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

const base = { appExecPath: '/Applications/KeyBridge.app/Contents/MacOS/KeyBridge', bridgeScriptPath: '/x/bridge.js', isPackaged: true };

describe('the stable launcher', () => {
  it('lives at a fixed path without spaces', () => {
    expect(launcherPath({ ...base, platform: 'darwin', homeDir: '/Users/ann' })).toBe('/Users/ann/.keybridge/bin/keybridge-bridge');
    expect(launcherPath({ ...base, platform: 'linux', homeDir: '/home/ann' })).toBe('/home/ann/.keybridge/bin/keybridge-bridge');
    expect(launcherPath({ ...base, platform: 'win32', homeDir: 'C:\\Users\\ann' })).toBe('C:\\Users\\ann\\.keybridge\\bin\\keybridge-bridge.cmd');
    const spaced = { ...base, platform: 'win32', homeDir: 'C:\\Users\\Ann Lee' };
    expect(launcherPath({ ...spaced, env: { LOCALAPPDATA: 'D:\\Local' } })).toBe('D:\\Local\\KeyBridge\\bin\\keybridge-bridge.cmd');
    expect(launcherPath({ ...spaced, env: { LOCALAPPDATA: 'C:\\Users\\Ann Lee\\AppData\\Local', SystemDrive: 'C:' } })).toBe(
      'C:\\KeyBridge\\Ann_Lee\\bin\\keybridge-bridge.cmd',
    );
  });

  it('Windows: a .cmd that runs the app as Node and passes every argument through', () => {
    const script = launcherScript({ ...base, platform: 'win32', homeDir: 'C:\\Users\\ann', appExecPath: 'C:\\Program Files\\KeyBridge\\KeyBridge.exe', bridgeScriptPath: 'C:\\Program Files\\KeyBridge\\resources\\100%\\bridge.js' });
    expect(script.split('\r\n')).toEqual([
      '@echo off',
      expect.stringContaining('holds no secret'),
      'setlocal',
      'set "ELECTRON_RUN_AS_NODE=1"',
      '"C:\\Program Files\\KeyBridge\\KeyBridge.exe" "C:\\Program Files\\KeyBridge\\resources\\100%%\\bridge.js" %*',
      '',
    ]);
    expect(launcherScript({ ...base, platform: 'win32', homeDir: 'C:\\u', isPackaged: false, bridgeScriptPath: 'C:\\src\\dist\\bridge.js' })).toContain(
      'node "C:\\src\\dist\\bridge.js" %*',
    );
  });

  it('Unix: written once (0755), and running it starts the bridge script with the args and env', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kb-launcher-'));
    const appDir = path.join(dir, "KeyBridge it's here");
    await mkdir(appDir);
    const bridgeScriptPath = path.join(appDir, 'bridge.js');
    await writeFile(bridgeScriptPath, 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), asNode: process.env.ELECTRON_RUN_AS_NODE ?? null }))');
    const packaged = { platform: 'linux', homeDir: dir, appExecPath: process.execPath, bridgeScriptPath, isPackaged: true };

    const first = await writeLauncher(packaged);
    expect(first).toEqual({ path: path.join(dir, '.keybridge/bin/keybridge-bridge'), changed: true });
    expect((await stat(first.path)).mode & 0o777).toBe(0o755);
    const { mtimeMs } = await stat(first.path);
    expect(await writeLauncher(packaged)).toEqual({ path: first.path, changed: false });
    expect((await stat(first.path)).mtimeMs).toBe(mtimeMs);

    const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` };
    const out = await run(first.path, ['--profile', 'mcp-claude', 'two words'], { env });
    expect(JSON.parse(out.stdout)).toEqual({ argv: ['--profile', 'mcp-claude', 'two words'], asNode: '1' });

    // From a checkout: `node <bridge>` (node from PATH), no ELECTRON_RUN_AS_NODE.
    const checkout = await writeLauncher({ ...packaged, isPackaged: false });
    expect(checkout.changed).toBe(true);
    const text = await readFile(checkout.path, 'utf8');
    expect(text).toMatch(/^#!\/bin\/sh\n/);
    expect(text).not.toMatch(/uo_|umk_live_|bearer/i);
    const out2 = await run(checkout.path, ['--profile', 'p1'], { env });
    expect(JSON.parse(out2.stdout)).toEqual({ argv: ['--profile', 'p1'], asNode: null });
  });
});
