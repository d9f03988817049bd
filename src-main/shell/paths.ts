// Where the app's files are, packaged or from a checkout. Packaged: dist/ inside app.asar,
// the bridge unpacked next to it (app.asar.unpacked) so ELECTRON_RUN_AS_NODE can run it, and
// the tray icons in resources/tray. From a checkout: the project folder.
import path from 'node:path';

export interface AppPaths {
  preload: string;
  rendererDir: string;
  bridgeScript: string;
  trayIconDir: string;
  appIcon: string;
}

export function appPaths(appPath: string, isPackaged: boolean, resourcesPath: string): AppPaths {
  const dist = path.join(appPath, 'dist');
  const bridge = path.join(dist, 'bridge.js');
  return {
    preload: path.join(dist, 'preload.js'),
    rendererDir: path.join(dist, 'renderer'),
    bridgeScript: isPackaged ? bridge.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`) : bridge,
    trayIconDir: isPackaged ? path.join(resourcesPath, 'tray') : path.join(appPath, 'build', 'tray'),
    appIcon: isPackaged ? path.join(resourcesPath, 'tray', 'icon.png') : path.join(appPath, 'build', 'icon.png'),
  };
}
