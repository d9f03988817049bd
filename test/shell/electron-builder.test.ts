// electron-builder.yml against electron-builder's own JSON schema (app-builder-lib ships it)
// and its own config loader, plus: every file the config names exists after `npm run build`,
// and the packaged paths the shell computes match what the config packs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { appPaths } from '../../src-main/shell/paths';
import { trayIconFile } from '../../src-main/shell/tray-icons';

const ROOT = resolve(__dirname, '../..');
const at = (...parts: string[]) => join(ROOT, ...parts);
const config = yaml.load(readFileSync(at('electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  mac: { icon: string; entitlements: string; entitlementsInherit: string; target: { target: string; arch: string[] }[] };
  win: { icon: string; target: { target: string; arch: string[] }[] };
  linux: { icon: string; target: string[] };
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  electronFuses: Record<string, boolean>;
};

/** PNG width and height from its IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

beforeAll(() => {
  const built = ['dist/main.js', 'dist/preload.js', 'dist/bridge.js', 'dist/renderer/index.html'].every((f) => existsSync(at(f)));
  if (!built) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
}, 240_000);

describe('electron-builder.yml', () => {
  it("is valid against app-builder-lib's JSON schema", () => {
    const schema = JSON.parse(readFileSync(at('node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("loads and validates with electron-builder's own config loader", async () => {
    const { getConfig, validateConfiguration } = await import('app-builder-lib/out/util/config/config');
    const { DebugLogger } = await import('builder-util');
    const loaded = await getConfig(ROOT, null, null);
    expect(loaded.appId).toBe('app.keybridge.desktop');
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
  }, 30_000);

  it('packages what issue 4 asks for', () => {
    expect(config).toMatchObject({ appId: 'app.keybridge.desktop', productName: 'KeyBridge', asarUnpack: ['dist/bridge.js'] });
    expect(config.mac.target).toEqual([
      { target: 'dmg', arch: ['arm64', 'x64'] },
      { target: 'zip', arch: ['arm64', 'x64'] },
    ]);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.electronFuses).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
      resetAdHocDarwinSignature: true,
    });
  });

  it('asks the hardened runtime for allow-jit only (no unsigned executable memory, no library-validation exception)', () => {
    const plist = readFileSync(at(config.mac.entitlements), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    expect([...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual(['com.apple.security.cs.allow-jit']);
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
  });

  it('has the metadata the deb and rpm targets require (homepage, maintainer, description)', () => {
    const pkg = JSON.parse(readFileSync(at('package.json'), 'utf8')) as { homepage?: string; description?: string };
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.description).toBeTruthy();
    expect((config.linux as { maintainer?: string }).maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
  });

  it('names only files that exist after the build', () => {
    const pkg = JSON.parse(readFileSync(at('package.json'), 'utf8')) as { main: string };
    for (const file of [pkg.main, 'dist/preload.js', 'dist/bridge.js', 'dist/renderer/index.html', ...config.asarUnpack]) expect(existsSync(at(file)), file).toBe(true);
    expect(config.files).toContain('dist/**');
    for (const file of [config.mac.icon, config.mac.entitlements, config.mac.entitlementsInherit, config.win.icon, config.linux.icon]) expect(existsSync(at(file)), file).toBe(true);
    for (const resource of config.extraResources) expect(existsSync(at(resource.from)), resource.from).toBe(true);
  });

  it('ships bundles that need no node_modules: main and bridge only Node and electron, the sandboxed preload only electron', () => {
    // `require("…")` calls, leaving out ones inside string templates (ajv's code generator).
    const required = (file: string) => [...new Set([...readFileSync(at(file), 'utf8').matchAll(/(?<!['`])\brequire\("([^"]+)"\)/g)].map((m) => m[1] ?? ''))];
    const external = (ids: string[]) => ids.filter((id) => !id.startsWith('node:') && !builtinModules.includes(id));
    expect(external(required('dist/main.js'))).toEqual(['electron']);
    expect(external(required('dist/bridge.js'))).toEqual([]);
    expect(required('dist/preload.js')).toEqual(['electron']);
  });

  it('ships real icons: a 512 px app icon, an .ico, and every tray image the shell loads', () => {
    expect(pngSize(at(config.mac.icon))).toEqual([512, 512]);
    const ico = readFileSync(at(config.win.icon));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 6]);
    const trayDir = at(config.extraResources[0]?.from ?? 'missing');
    for (const health of ['ok', 'unverified', 'failing', 'locked'] as const) {
      for (const platform of ['darwin', 'win32', 'linux'] as const) {
        const file = trayIconFile(trayDir, health, platform);
        expect(pngSize(file)).toEqual([16, 16]);
        expect(pngSize(file.replace(/\.png$/, '@2x.png'))).toEqual([32, 32]);
      }
    }
  });

  it('matches where the packaged shell looks for the bridge and the tray icons', () => {
    const resources = '/opt/KeyBridge/resources';
    const paths = appPaths(`${resources}/app.asar`, true, resources);
    expect(paths.bridgeScript).toBe(`${resources}/app.asar.unpacked/${config.asarUnpack[0]}`);
    expect(paths.trayIconDir).toBe(`${resources}/${config.extraResources[0]?.to}`);
    expect(paths.preload).toBe(`${resources}/app.asar/dist/preload.js`);
  });
});
