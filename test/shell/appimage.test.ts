// A packaged Linux app running from an AppImage (fake `electron`; the binary cannot run here):
// the app's files are in a mount that disappears when it quits, so the bridge launcher must run
// the image itself ($APPIMAGE) and a copy of the bridge outside the mount — and survive
// AppRun, which puts `--no-sandbox` before the arguments where user namespaces are off (Node
// would stop at it: "bad option"). The AppImage is played by a script doing what
// electron-builder 26's AppRun does, with Node standing in for the Electron binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { bridgeCopyPath, copyBridgeOutOfMount, runningAppImage } from '../../src-main/shell/appimage';
import type { Shell } from '../../src-main/shell/shell';
import { fakeElectron } from '../support/fake-electron';

vi.mock('electron', async () => (await import('../support/fake-electron')).fakeElectronModule());

const ROOT = resolve(__dirname, '../..');
const BRIDGE = join(ROOT, 'dist', 'bridge.js');
let root: string;
let home: string;
let mount: string;
let image: string;
let shell: Shell;
const resourcesBefore = process.resourcesPath;

/** AppRun (app-builder-lib's appImageUtil.js) on a host where `unshare -Ur true` fails. */
const APP_RUN = `#!/bin/sh
printf '%s\\n' "$@" > "$APPRUN_ARGS"
for arg in "$@"; do
  if [ "$arg" = --no-sandbox ]; then exec "$FAKE_ELECTRON" "$@"; fi
done
exec "$FAKE_ELECTRON" --no-sandbox "$@"
`;

beforeAll(async () => {
  if (!existsSync(BRIDGE)) spawnSync(process.execPath, ['scripts/build.mjs', 'bridge'], { cwd: ROOT });
  root = await mkdtemp(join(tmpdir(), 'kb-appimage-'));
  home = join(root, 'home');
  // The mount as the AppImage runtime makes it: resources/app.asar(.unpacked), resources/tray.
  mount = join(root, '.mount_KeyBriXYZ');
  const resources = join(mount, 'resources');
  await mkdir(join(resources, 'app.asar.unpacked', 'dist'), { recursive: true });
  await cp(BRIDGE, join(resources, 'app.asar.unpacked', 'dist', 'bridge.js'));
  await cp(join(ROOT, 'build', 'tray'), join(resources, 'tray'), { recursive: true });
  image = join(root, 'Apps', 'KeyBridge-0.1.0-linux-x86_64.AppImage');
  await mkdir(join(root, 'Apps'));
  await writeFile(image, APP_RUN, { mode: 0o755 });

  vi.stubEnv('APPIMAGE', image);
  vi.stubEnv('KEYBRIDGE_AGENT_SOCKET', join(root, 'agent.sock'));
  vi.stubEnv('XDG_CONFIG_HOME', join(home, '.config'));
  vi.stubEnv('CLAUDE_CONFIG_DIR', '');
  const { app } = fakeElectron;
  app.paths = { home, userData: join(root, 'userData') };
  app.isPackaged = true;
  app.appPath = join(resources, 'app.asar');
  Object.defineProperty(process, 'resourcesPath', { value: resources, configurable: true, writable: true });
  process.argv.push('--hidden');
  try {
    const { booted } = await import('../../src-main/shell/main');
    app.emitReady();
    const started = await booted;
    if (!started) throw new Error('the shell did not start');
    shell = started;
  } finally {
    process.argv.pop();
  }
}, 60_000);

afterAll(async () => {
  await shell?.stop();
  Object.defineProperty(process, 'resourcesPath', { value: resourcesBefore, configurable: true, writable: true });
  vi.unstubAllEnvs();
  if (root) await rm(root, { recursive: true, force: true });
});

it('knows when it runs from an AppImage (packaged Linux with $APPIMAGE only)', () => {
  expect(runningAppImage({ APPIMAGE: image }, 'linux', true)).toBe(image);
  expect(runningAppImage({ APPIMAGE: image }, 'linux', false)).toBeNull();
  expect(runningAppImage({}, 'linux', true)).toBeNull();
  expect(runningAppImage({ APPIMAGE: image }, 'darwin', true)).toBeNull();
});

it('the launcher names the AppImage and a bridge copied out of the mount, never the mount', async () => {
  const launcher = await readFile(join(home, '.keybridge', 'bin', 'keybridge-bridge'), 'utf8');
  const copy = bridgeCopyPath(home);
  expect(launcher).toContain(`ELECTRON_RUN_AS_NODE=1 exec '${image}' '${copy}' --no-sandbox "$@"`);
  expect(launcher).not.toContain(mount);
  expect(await readFile(copy)).toEqual(await readFile(BRIDGE));
  expect((await stat(join(home, '.keybridge', 'lib'))).mode & 0o777).toBe(0o700);
});

it('the copy follows an update of the image, and is left alone when unchanged', async () => {
  const source = join(root, 'bridge-v2.js');
  await writeFile(source, '// a newer bridge\n');
  const copy = await copyBridgeOutOfMount(source, home);
  expect(await readFile(copy, 'utf8')).toBe('// a newer bridge\n');
  // Dated in the past: a rewrite (a new file renamed over it) would show a new inode and mtime.
  const past = new Date('2020-01-01T00:00:00Z');
  await utimes(copy, past, past);
  const before = await stat(copy);
  await copyBridgeOutOfMount(source, home);
  const after = await stat(copy);
  expect(after.ino).toBe(before.ino);
  expect(after.mtimeMs).toBe(past.getTime());
  await copyBridgeOutOfMount(BRIDGE, home);
});

it('through AppRun on a host without user namespaces, Node gets the script first (no "bad option"), and the bridge answers', async () => {
  // Node plays the Electron binary (ELECTRON_RUN_AS_NODE=1 makes the real one a Node).
  const fakeElectronBinary = join(root, 'electron-as-node');
  await writeFile(fakeElectronBinary, `#!/bin/sh\nexec "${process.execPath}" "$@"\n`);
  await chmod(fakeElectronBinary, 0o755);
  const argsFile = join(root, 'apprun-args');
  const run = spawnSync(join(home, '.keybridge', 'bin', 'keybridge-bridge'), ['--version'], {
    env: { PATH: process.env.PATH ?? '', HOME: home, APPRUN_ARGS: argsFile, FAKE_ELECTRON: fakeElectronBinary },
    encoding: 'utf8',
  });
  // AppRun saw --no-sandbox among the arguments, so it added none before the script.
  expect((await readFile(argsFile, 'utf8')).trim().split('\n')).toEqual([bridgeCopyPath(home), '--no-sandbox', '--version']);
  expect(run.stderr).not.toMatch(/bad option/);
  // The bridge ignores the --no-sandbox that reaches it (src-bridge/cli.ts).
  expect(run.stdout.trim()).toBe(JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version);
  expect(run.status).toBe(0);
});
