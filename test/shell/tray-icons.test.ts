// The tray's icons: the file per health and OS (template images on macOS), and a missing or
// unreadable icon is an error naming the file — Electron would show an invisible tray icon.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { nativeImage as NativeImageModule } from 'electron';
import { afterAll, expect, it } from 'vitest';
import { trayIconFile, trayIcons } from '../../src-main/shell/tray-icons';
import { fakeElectron } from '../support/fake-electron';

const nativeImage = fakeElectron.nativeImage as unknown as typeof NativeImageModule;
const TRAY = resolve(__dirname, '../../build/tray');
let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('loads each health’s image, as a template image on macOS', () => {
  expect(trayIcons(nativeImage, TRAY, 'linux')('ok').isEmpty()).toBe(false);
  const mac = trayIcons(nativeImage, TRAY, 'darwin')('locked');
  expect(mac.isTemplateImage()).toBe(true);
  expect(trayIconFile(TRAY, 'locked', 'darwin')).toBe(join(TRAY, 'tray-lockedTemplate.png'));
});

it('a missing or unreadable icon says which file, instead of an invisible tray', async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-tray-'));
  await writeFile(join(dir, 'tray-failing.png'), 'not a png');
  expect(() => trayIcons(nativeImage, dir, 'linux')('ok')).toThrow(`The tray icon is missing or unreadable: ${join(dir, 'tray-ok.png')}`);
  expect(() => trayIcons(nativeImage, dir, 'linux')('failing')).toThrow(/tray-failing\.png/);
});
