// Running from an AppImage: the app's files live in a FUSE mount (/tmp/.mount_KeyBri…) that
// exists only while the app runs, under a new name each time. The bridge launcher must name
// neither: it runs the image itself ($APPIMAGE, which the AppImage runtime sets) and a copy of
// the bridge kept outside the mount, in ~/.keybridge/lib. The launcher (src-main/clients/
// launcher.ts) adds `--no-sandbox` after the script so that AppRun adds none before it.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir, keybridgeHome } from '../clients/private-dir';

/** The AppImage this packaged Linux app runs from, or null (deb, rpm, a checkout). */
export function runningAppImage(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, isPackaged: boolean): string | null {
  const image = env.APPIMAGE?.trim();
  return platform === 'linux' && isPackaged && image ? image : null;
}

export function bridgeCopyPath(homeDir: string): string {
  return path.join(keybridgeHome(homeDir, 'linux'), 'lib', 'bridge.js');
}

/**
 * Copies the bridge out of the mount when the copy is missing or differs (an update), by
 * rename so that a bridge starting meanwhile reads the old file or the new one, never half.
 */
export async function copyBridgeOutOfMount(bridgeScript: string, homeDir: string): Promise<string> {
  const target = bridgeCopyPath(homeDir);
  const source = await readFile(bridgeScript);
  const current = await readFile(target).catch(() => null);
  if (current?.equals(source)) return target;
  // Owner-only, like the launcher's folder: whatever lands here runs when an assistant starts.
  await ensurePrivateDir(keybridgeHome(homeDir, 'linux'), 'linux');
  await ensurePrivateDir(path.dirname(target), 'linux');
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, source, { mode: 0o644 });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return target;
}
