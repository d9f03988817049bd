// A second launch while KeyBridge runs: it does not get the single-instance lock, so it quits
// at once — no window, no tray, no IPC, no agent. (Fake `electron`: the binary cannot run here.)
import { expect, it, vi } from 'vitest';
import { fakeElectron, FakeBrowserWindow, FakeTray } from '../support/fake-electron';

vi.mock('electron', async () => (await import('../support/fake-electron')).fakeElectronModule());

it('quits without doing anything when another instance holds the lock', async () => {
  fakeElectron.app.hasLock = false;
  const { booted } = await import('../../src-main/shell/main');
  fakeElectron.app.emitReady();
  expect(await booted).toBeNull();
  expect(fakeElectron.app.quitCalls).toBe(1);
  expect(FakeBrowserWindow.all).toEqual([]);
  expect(FakeTray.all).toEqual([]);
  expect(fakeElectron.ipcMain.handlers.size).toBe(0);
  expect(fakeElectron.protocol.privileged).toEqual([]);
});
