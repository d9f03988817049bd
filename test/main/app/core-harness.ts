// A real app core in plain Node for IPC and shell tests: temp userData and HOME, an AES-GCM
// test cipher standing in for safeStorage, an in-memory clipboard, recorded notifications and
// a scripted approval prompt. Everything it starts, close() stops and removes.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAppCore, type AppCoreHandle, type AppCoreOptions, type Notification } from '../../../src-main/app/create-app';
import type { AccessRequest, ApprovalAnswer } from '../../../src-main/app/approval';
import { linuxAutostart } from '../../../src-main/app/autostart-linux';
import type { Cipher } from '../../../src-main/vault';

export function testCipher(): Cipher {
  const secret = randomBytes(32);
  return {
    isAvailable: () => true,
    backend: () => 'gnome_libsecret',
    async encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    async decrypt(encrypted) {
      const d = createDecipheriv('aes-256-gcm', secret, encrypted.subarray(0, 12));
      d.setAuthTag(encrypted.subarray(12, 28));
      return { result: Buffer.concat([d.update(encrypted.subarray(28)), d.final()]).toString('utf8') };
    },
  };
}

export interface CoreHarness {
  core: AppCoreHandle;
  root: string;
  homeDir: string;
  userDataDir: string;
  clipboard: { text: string; readText(): string; writeText(text: string): void };
  notifications: Notification[];
  opened: string[];
  approvals: AccessRequest[];
  /** What the next approval prompts answer (default 'allow-once'). */
  answers: ApprovalAnswer[];
  close(): Promise<void>;
}

export async function startCoreHarness(overrides: Partial<AppCoreOptions> = {}): Promise<CoreHarness> {
  const root = await mkdtemp(join(tmpdir(), 'kb-core-'));
  const homeDir = join(root, 'home');
  const userDataDir = join(root, 'userData');
  await mkdir(homeDir, { recursive: true });
  await mkdir(userDataDir, { recursive: true });
  const clipboard = {
    text: '',
    readText: () => clipboard.text,
    writeText: (text: string) => {
      clipboard.text = text;
    },
  };
  const notifications: Notification[] = [];
  const opened: string[] = [];
  const approvals: AccessRequest[] = [];
  const answers: ApprovalAnswer[] = [];
  const env = { HOME: homeDir, PATH: process.env.PATH };
  const core = await createAppCore({
    userDataDir,
    homeDir,
    platform: 'linux',
    env,
    cipher: testCipher(),
    bridgeScriptPath: resolve(__dirname, '../../../dist/bridge.js'),
    appExecPath: process.execPath,
    isPackaged: false,
    nodePath: process.execPath,
    socketPath: join(root, 'run', 'agent.sock'),
    clipboard,
    openExternal: (url) => void opened.push(url),
    notify: (n) => void notifications.push(n),
    askApproval: async (request) => {
      approvals.push(request);
      return answers.shift() ?? 'allow-once';
    },
    loginItem: linuxAutostart({ homeDir, env, execPath: '/opt/KeyBridge/keybridge' }),
    ...overrides,
  });
  return {
    core,
    root,
    homeDir,
    userDataDir,
    clipboard,
    notifications,
    opened,
    approvals,
    answers,
    async close() {
      await core.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
