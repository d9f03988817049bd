// Another copy of KeyBridge (say, a development build next to the installed one) already
// serves the agent socket: this one says why it cannot start and exits, instead of dying
// silently or stealing the socket. (Fake `electron`: the binary cannot run here.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startCoreHarness, type CoreHarness } from '../main/app/core-harness';
import { fakeElectron } from '../support/fake-electron';

vi.mock('electron', async () => (await import('../support/fake-electron')).fakeElectronModule());

let root: string;
let other: CoreHarness;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kb-taken-'));
  other = await startCoreHarness({ socketPath: join(root, 'agent.sock') });
  await other.core.start();
});

afterAll(async () => {
  await other?.close();
  vi.unstubAllEnvs();
  if (root) await rm(root, { recursive: true, force: true });
});

it('shows an error box naming the running agent and exits with 1', async () => {
  vi.stubEnv('KEYBRIDGE_AGENT_SOCKET', join(root, 'agent.sock'));
  vi.stubEnv('XDG_CONFIG_HOME', join(root, 'home', '.config'));
  fakeElectron.app.paths = { home: join(root, 'home'), userData: join(root, 'userData') };
  fakeElectron.app.appPath = resolve(__dirname, '../..');
  const { booted } = await import('../../src-main/shell/main');
  fakeElectron.app.emitReady();
  expect(await booted).toBeNull();
  expect(fakeElectron.dialog.errors).toEqual([{ title: 'KeyBridge could not start', content: `KeyBridge is already running (another agent answers on ${join(root, 'agent.sock')}).` }]);
  expect(fakeElectron.app.exitCode).toBe(1);
});
