// What the app tells each OS about itself before it starts: the AppUserModelID on Windows
// (equal to electron-builder's appId, which the Start-menu shortcut carries), and on macOS the
// offer to move out of the disk image / Downloads into /Applications. Against the fake's app,
// which has these methods on their own OS only, as Electron does.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dialog } from 'electron';
import yaml from 'js-yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { APP_USER_MODEL_ID, MOVE_BUTTONS, offerMoveToApplications, setAppIdentity } from '../../src-main/shell/platform';
import { FakeApp, fakeElectron } from '../support/fake-electron';

const dialog = fakeElectron.dialog;
/** The fake's dialog where the shell wants Electron's (its overloads differ only in typing). */
const dialogApi = dialog as unknown as Pick<Dialog, 'showMessageBoxSync'>;
const logs: string[] = [];
const log = (_level: string, message: string) => void logs.push(message);

beforeEach(() => {
  logs.length = 0;
});

describe('Windows AppUserModelID', () => {
  it('is set on Windows only, to electron-builder.yml’s appId', () => {
    const config = yaml.load(readFileSync(resolve(__dirname, '../../electron-builder.yml'), 'utf8')) as { appId: string };
    expect(APP_USER_MODEL_ID).toBe(config.appId);
    const app = new FakeApp();
    app.platform = 'win32';
    setAppIdentity(app, 'win32');
    expect(app.appUserModelId).toBe(config.appId);
    for (const platform of ['darwin', 'linux'] as const) {
      const other = new FakeApp();
      other.platform = platform;
      // The fake throws as Electron would if the method were called off Windows.
      setAppIdentity(other, platform);
      expect(other.appUserModelId).toBeNull();
    }
  });
});

describe('macOS: move to Applications', () => {
  fakeElectron.app.emitReady();
  const mac = (inApplications: boolean, isPackaged = true) => {
    const app = new FakeApp();
    app.platform = 'darwin';
    app.isPackaged = isPackaged;
    app.inApplicationsFolder = inApplications;
    return app;
  };

  it('asks nothing in /Applications, from a checkout, on a hidden launch, or on other systems', () => {
    const shown = dialog.shown.length;
    expect(offerMoveToApplications({ app: mac(true), dialog: dialogApi, platform: 'darwin', hidden: false, log })).toBe('not-needed');
    expect(offerMoveToApplications({ app: mac(false, false), dialog: dialogApi, platform: 'darwin', hidden: false, log })).toBe('not-needed');
    expect(offerMoveToApplications({ app: mac(false), dialog: dialogApi, platform: 'darwin', hidden: true, log })).toBe('not-needed');
    const linux = new FakeApp();
    linux.platform = 'linux';
    linux.isPackaged = true;
    expect(offerMoveToApplications({ app: linux, dialog: dialogApi, platform: 'linux', hidden: false, log })).toBe('not-needed');
    expect(dialog.shown).toHaveLength(shown);
  });

  it('run from the disk image or Downloads: offers the move, and moves when the user agrees', () => {
    const app = mac(false);
    dialog.answer(0);
    expect(offerMoveToApplications({ app, dialog: dialogApi, platform: 'darwin', hidden: false, log })).toBe('moved');
    expect(dialog.shown.at(-1)).toMatchObject({ message: 'Move KeyBridge to the Applications folder?', buttons: [...MOVE_BUTTONS], parent: null });
    expect(app.moveToApplications.calls).toBe(1);
  });

  it('"Not now" stays (and says so in the log); a copy already in Applications is replaced only when the user says so', () => {
    const declined = mac(false);
    dialog.answer(1);
    expect(offerMoveToApplications({ app: declined, dialog: dialogApi, platform: 'darwin', hidden: false, log })).toBe('stays');
    expect(declined.moveToApplications.calls).toBe(0);
    expect(logs.join('\n')).toMatch(/outside \/Applications/);

    const conflict = mac(false);
    conflict.moveToApplications.conflict = 'exists';
    dialog.answer(0);
    dialog.answer(1);
    expect(offerMoveToApplications({ app: conflict, dialog: dialogApi, platform: 'darwin', hidden: false, log })).toBe('stays');
    expect(dialog.shown.at(-1)?.message).toMatch(/already has a KeyBridge/);
    expect(conflict.moveToApplications.conflictAnswers).toEqual([false]);
  });

  it('a move that fails is logged, and the app starts where it is', () => {
    const app = mac(false);
    app.moveToApplicationsFolder = () => {
      throw new Error('Failed to move: permission denied');
    };
    dialog.answer(0);
    expect(offerMoveToApplications({ app, dialog: dialogApi, platform: 'darwin', hidden: false, log })).toBe('failed');
    expect(logs.join('\n')).toMatch(/permission denied/);
  });
});
