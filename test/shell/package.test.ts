// A package built the way CI can build one: `electron-builder --linux dir` with the project's
// electron-builder.yml, against a stub Electron distribution this test makes (a file carrying
// Electron 45's fuse sentinel and wire, given as `electronDist`, so nothing is downloaded).
// Then the output is checked as a user's machine would get it:
// - app.asar holds only what the app needs: no sources, tests, source maps, keys, node_modules;
// - the bridge sits unpacked where the launcher looks for it, and runs from there;
// - the fuse wire in the binary is exactly what electron-builder.yml says (read back with
//   @electron/fuses, the library electron-builder flips them with);
// - the package metadata passes the deb and rpm targets' own checks (homepage, maintainer,
//   description) — those targets need fpm from GitHub, so they are built on a desktop only.
// Needs `npm run build` (dist/); `npm test` builds before it runs the tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPaths } from '../../src-main/shell/paths';
import { trayIconFile } from '../../src-main/shell/tray-icons';

const ROOT = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; description: string; homepage?: string };
const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as {
  electronFuses: Record<string, boolean>;
  asarUnpack: string[];
  linux: { maintainer: string; synopsis: string };
};

/** Electron's fuse wire (build/fuses/fuses.json5 in electron/electron): sentinel, version, length, states. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ELECTRON_DEFAULT_FUSES = '101100001';
/** A fuse's state byte: the ASCII digit. */
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

/** electron-builder.yml's names → @electron/fuses' wire positions (app-builder-lib's generateFuseConfig). */
const FUSE_INDEX: Record<string, FuseV1Options> = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
};

let work: string;
let appOut: string;
let resources: string;
let asar: string;
let build: { status: number | null; output: string };

beforeAll(async () => {
  const built = ['dist/main.js', 'dist/preload.js', 'dist/bridge.js', 'dist/renderer/index.html'].every((f) => existsSync(join(ROOT, f)));
  if (!built) throw new Error('package.test.ts needs `npm run build` first (npm test runs it)');
  work = await mkdtemp(join(tmpdir(), 'kb-package-'));
  // The stub Electron distribution: the binary carries the fuse sentinel and Electron's default wire.
  const electronDist = join(work, 'electron-dist');
  await mkdir(join(electronDist, 'resources'), { recursive: true });
  const binary = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stub Electron: not runnable"\nexit 1\n'),
    Buffer.from(SENTINEL, 'ascii'),
    Buffer.from([1, ELECTRON_DEFAULT_FUSES.length]),
    Buffer.from(ELECTRON_DEFAULT_FUSES, 'ascii'),
    Buffer.from('\n'),
  ]);
  await writeFile(join(electronDist, 'electron'), binary);
  await chmod(join(electronDist, 'electron'), 0o755);
  await writeFile(join(electronDist, 'version'), JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version);
  const metadataFile = join(work, 'package-metadata.json');
  // electron-builder keeps quiet when it sees VITEST in the environment: not a child of a test.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
  const run = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'electron-builder', 'cli.js'),
      '--linux',
      'dir',
      '--x64',
      '--publish',
      'never',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${join(work, 'release')}`,
      '-c.afterPack=./test/support/package-metadata-hook.mjs',
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...env, KEYBRIDGE_PACKAGE_METADATA: metadataFile, CI: 'true' }, timeout: 120_000 },
  );
  build = { status: run.status, output: `${run.stdout}\n${run.stderr}` };
  appOut = join(work, 'release', 'linux-unpacked');
  resources = join(appOut, 'resources');
  asar = join(resources, 'app.asar');
}, 150_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('electron-builder --linux dir', () => {
  it('packs without downloading anything', () => {
    expect(build.status, build.output).toBe(0);
    expect(build.output).toMatch(/using custom unpacked Electron distribution/);
    expect(build.output).toMatch(/executing @electron\/fuses/);
    expect(existsSync(join(appOut, 'keybridge'))).toBe(true);
  });

  it('app.asar holds only what the app needs: no sources, tests, maps, keys or node_modules', () => {
    const entries = listPackage(asar, { isPack: false }).map((e) => e.replace(/\\/g, '/'));
    const files = entries.filter((e) => !('files' in statFile(asar, e.slice(1), false)));
    expect(files).toContain('/package.json');
    for (const needed of ['/dist/main.js', '/dist/preload.js', '/dist/bridge.js', '/dist/renderer/index.html']) expect(files).toContain(needed);
    const unexpected = files.filter((f) => !(f === '/package.json' || /^\/dist\/(main|preload|bridge)\.js$/.test(f) || /^\/dist\/renderer\/[\w./-]+\.(html|js|css|svg|png|woff2|json)$/.test(f)));
    expect(unexpected).toEqual([]);
    expect(entries.filter((e) => /\.(ts|tsx|map)$|\/(src-[a-z]+|test|node_modules|scripts|bench|docs)(\/|$)|\.(pem|key|p12|env)$/.test(e))).toEqual([]);
    // No key material in anything packed (the bundles name key prefixes, never a key).
    const keyLike = /\b(?:uo_(?:test_|live_)?|umk_live_)[A-Za-z0-9]{16,}|-----BEGIN [A-Z ]*PRIVATE KEY-----/;
    for (const file of files) {
      const unpacked = file === '/dist/bridge.js';
      const text = (unpacked ? readFileSync(join(`${asar}.unpacked`, file)) : extractFile(asar, file.slice(1))).toString('latin1');
      expect(keyLike.test(text), file).toBe(false);
    }
    // The packaged package.json: no scripts or dev dependencies to hint at the build machine.
    const packaged = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as Record<string, unknown>;
    expect(packaged).toMatchObject({ name: 'keybridge', version: pkg.version, main: 'dist/main.js' });
    expect(packaged.devDependencies).toBeUndefined();
  });

  it('the bridge sits unpacked where the launcher looks, and runs from there', () => {
    expect(statFile(asar, 'dist/bridge.js', false)).toMatchObject({ unpacked: true });
    const shellPaths = appPaths(asar, true, resources);
    expect(shellPaths.bridgeScript).toBe(join(`${asar}.unpacked`, config.asarUnpack[0] ?? 'missing'));
    expect(existsSync(shellPaths.bridgeScript)).toBe(true);
    const run = spawnSync(process.execPath, [shellPaths.bridgeScript, '--version'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ELECTRON_RUN_AS_NODE: '1' } });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(pkg.version);
    // The tray icons the shell loads are there too.
    for (const health of ['ok', 'unverified', 'failing', 'locked'] as const) expect(existsSync(trayIconFile(shellPaths.trayIconDir, health, 'linux')), health).toBe(true);
    expect(existsSync(shellPaths.appIcon)).toBe(true);
  });

  it('the fuse wire in the binary is exactly what electron-builder.yml says', async () => {
    const wire = await getCurrentFuseWire(join(appOut, 'keybridge'));
    const expected: Record<string, number> = {};
    for (const [name, on] of Object.entries(config.electronFuses)) {
      if (name === 'resetAdHocDarwinSignature') continue;
      const index = FUSE_INDEX[name];
      if (index === undefined) throw new Error(`electron-builder.yml names a fuse the test does not know: ${name}`);
      expected[index] = on ? ON : OFF;
    }
    // Every fuse @electron/fuses knows is set explicitly; the ones after it keep Electron's default.
    expect(Object.keys(expected)).toHaveLength(Object.keys(FUSE_INDEX).length);
    const actual: Record<string, number> = {};
    for (const index of Object.keys(expected)) actual[index] = wire[index as unknown as FuseV1Options] as number;
    expect(actual).toEqual(expected);
    expect(wire[8 as FuseV1Options]).toBe(ON);
    expect(wire.version).toBe('1');
  });

  it('the metadata passes the deb and rpm targets’ own checks (homepage, maintainer, description)', async () => {
    const metadata = JSON.parse(await readFile(join(work, 'package-metadata.json'), 'utf8'));
    for (const target of ['deb', 'rpm']) {
      expect(metadata[target], target).toMatchObject({ ok: true, name: 'keybridge', url: pkg.homepage, maintainer: config.linux.maintainer, vendor: config.linux.maintainer });
      expect(metadata[target].description).toBe(pkg.description);
      expect(metadata[target].synopsis).toBe(config.linux.synopsis);
    }
  });
});
