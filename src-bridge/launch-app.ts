// Starting the tray app when the agent is not reachable. Only possible when this file runs
// inside the packaged app (ELECTRON_RUN_AS_NODE=1 with process.execPath = the app binary).
import { spawn } from 'node:child_process';

/** Whether this bridge runs as the packaged app's bundled script. */
export function canLaunchApp(env: NodeJS.ProcessEnv): boolean {
  return !!env.ELECTRON_RUN_AS_NODE;
}

/** Starts the app hidden in the tray, detached from this bridge; returns false if spawning failed. */
export function launchApp(env: NodeJS.ProcessEnv): boolean {
  const { ELECTRON_RUN_AS_NODE: _drop, ...appEnv } = env;
  try {
    const child = spawn(process.execPath, ['--hidden'], { detached: true, stdio: 'ignore', env: appEnv });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
