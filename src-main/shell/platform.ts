// What the app must tell the OS about itself before it starts, per platform.
//
// Windows: the AppUserModelID. Without it notifications are attributed to "electron.app…"
// and the user's per-app notification switch (Settings → Notifications) does not apply. It
// must equal the appId electron-builder gives the Start-menu shortcut (electron-builder.yml).
//
// macOS: where the bundle runs from. Started from the disk image or from Downloads (where
// Gatekeeper runs it translocated, from a random read-only path), the app would write that
// temporary path into the bridge launcher, and assistants would lose the bridge as soon as the
// image is ejected. So a launch outside /Applications offers to move the app there first
// (Electron moves it and relaunches it from there).
import type { App, Dialog } from 'electron';

/** electron-builder.yml's appId (test/shell/electron-builder.test.ts keeps them equal). */
export const APP_USER_MODEL_ID = 'app.keybridge.desktop';

export function setAppIdentity(app: Pick<App, 'setAppUserModelId'>, platform: NodeJS.Platform): void {
  if (platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
}

export const MOVE_BUTTONS = ['Move to Applications', 'Not now'] as const;
export const REPLACE_BUTTONS = ['Replace', 'Cancel'] as const;

export type MoveOutcome = 'moved' | 'stays' | 'not-needed' | 'failed';

export interface MoveOffer {
  app: Pick<App, 'isPackaged' | 'isInApplicationsFolder' | 'moveToApplicationsFolder'>;
  dialog: Pick<Dialog, 'showMessageBoxSync'>;
  platform: NodeJS.Platform;
  /** A launch that stays in the tray (login item, a bridge starting the app) asks nothing. */
  hidden: boolean;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * macOS, packaged, not in /Applications: asks (a blocking box, before anything else runs) and
 * moves. On 'moved' Electron has already started the moved copy; this one must quit.
 */
export function offerMoveToApplications({ app, dialog, platform, hidden, log }: MoveOffer): MoveOutcome {
  if (platform !== 'darwin' || !app.isPackaged || hidden || app.isInApplicationsFolder()) return 'not-needed';
  const answer = dialog.showMessageBoxSync({
    type: 'question',
    title: 'KeyBridge',
    message: 'Move KeyBridge to the Applications folder?',
    detail:
      'KeyBridge is running from a temporary place (the disk image or Downloads). Assistants start the KeyBridge bridge from where the app is installed, so it has to stay in one place: move it to Applications first.',
    buttons: [...MOVE_BUTTONS],
    defaultId: 0,
    cancelId: 1,
  });
  if (answer !== 0) {
    log('warn', 'KeyBridge runs outside /Applications; the bridge launcher points at a temporary path.');
    return 'stays';
  }
  try {
    const moved = app.moveToApplicationsFolder({
      conflictHandler: (conflict) => {
        if (conflict === 'existsAndRunning') return false;
        return (
          dialog.showMessageBoxSync({
            type: 'question',
            title: 'KeyBridge',
            message: 'Applications already has a KeyBridge. Replace it with this one?',
            buttons: [...REPLACE_BUTTONS],
            defaultId: 0,
            cancelId: 1,
          }) === 0
        );
      },
    });
    return moved ? 'moved' : 'stays';
  } catch (error) {
    log('error', `Could not move KeyBridge to Applications: ${error instanceof Error ? error.message : String(error)}`);
    return 'failed';
  }
}
