// Starting the tray app when the agent is not reachable. Only possible when this file runs
// inside the packaged app (ELECTRON_RUN_AS_NODE=1 with process.execPath = the app binary).
import { spawn } from 'node:child_process';

/** Whether this bridge runs as the packaged app's bundled script. */
export function canLaunchApp(env: NodeJS.ProcessEnv): boolean {
  return !!env.ELECTRON_RUN_AS_NODE;
}

/** Starts the app hidden in the tray, detached from this bridge; returns false if spawning failed.
 * From an AppImage, the AppImage file itself: process.execPath lies inside its mount, which
 * goes away with this bridge. */
export function launchApp(env: NodeJS.ProcessEnv): boolean {
  const { ELECTRON_RUN_AS_NODE: _drop, ...appEnv } = env;
  const app = env.APPIMAGE?.trim() || process.execPath;
  try {
    const child = spawn(app, ['--hidden'], { detached: true, stdio: 'ignore', env: appEnv });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
