// Launch at login on Linux: a real XDG autostart file in a temp HOME.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { autostartFile, desktopEntry, linuxAutostart } from '../../../src-main/app/autostart-linux';

let home = '';
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

describe('linux autostart', () => {
  it('writes ~/.config/autostart/keybridge.desktop starting hidden, and removes it', async () => {
    home = await mkdtemp(join(tmpdir(), 'kb-autostart-'));
    const item = linuxAutostart({ homeDir: home, env: {}, execPath: '/opt/KeyBridge/keybridge' });
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(true);
    const file = join(home, '.config', 'autostart', 'keybridge.desktop');
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]\nType=Application\nName=KeyBridge\n/);
    expect(text).toContain('\nExec=/opt/KeyBridge/keybridge --hidden\n');
    expect(await item.isEnabled()).toBe(true);
    await writeFile(file, `${text}Hidden=true\n`);
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(false);
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(false);
  });

  it('honours XDG_CONFIG_HOME and quotes an Exec path with spaces', () => {
    expect(autostartFile({ homeDir: '/home/u', env: { XDG_CONFIG_HOME: '/cfg' } })).toBe('/cfg/autostart/keybridge.desktop');
    expect(desktopEntry('/home/u/Apps/Key Bridge.AppImage')).toContain('Exec="/home/u/Apps/Key Bridge.AppImage" --hidden');
    expect(desktopEntry('/a/$HOME"x')).toContain('Exec="/a/\\$HOME\\"x" --hidden');
  });
});
