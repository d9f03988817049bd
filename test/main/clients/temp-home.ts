// A throwaway HOME for one test, laid out like one OS, removed afterwards; and the pieces the
// clients tests share: a real vault in the same temp folder, and running a step as an ordinary
// user (the tests may run as root, whom file modes do not stop).
import { chown, lstat, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Host } from '../../../src-main/clients/host';
import type { MigrationTarget } from '../../../src-main/clients/migration';
import { resolveClient, type ClientRef, type ClientTarget } from '../../../src-main/clients/registry';
import { vaultMigrationTarget } from '../../../src-main/clients/views';
import { createVault, type Vault } from '../../../src-main/vault';
import { confBackend, createTestCipher } from '../vault/helpers';

export interface TempHome {
  host: Host;
  dir: string;
  /** Creates the client's app folder (so it counts as installed) and returns its target. */
  installApp(ref: ClientRef): Promise<ClientTarget>;
  /** Writes the client's config file (creating its folder) and returns its target. */
  writeConfig(ref: ClientRef, text: string): Promise<ClientTarget>;
  target(ref: ClientRef): ClientTarget;
  remove(): Promise<void>;
}

export async function tempHome(platform: 'linux' | 'darwin', env: Record<string, string> = {}): Promise<TempHome> {
  const dir = await mkdtemp(path.join(tmpdir(), `kb-clients-${platform}-`));
  const host: Host = { platform, homeDir: dir, env };
  const target = (ref: ClientRef) => resolveClient(ref, host);
  return {
    host,
    dir,
    target,
    async installApp(ref) {
      await mkdir(target(ref).presenceDir, { recursive: true });
      return target(ref);
    },
    async writeConfig(ref, text) {
      const t = target(ref);
      await mkdir(t.presenceDir, { recursive: true });
      await mkdir(path.dirname(t.configPath), { recursive: true });
      await writeFile(t.configPath, text);
      return target(ref);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export const LAUNCHER = '/opt/kb/.keybridge/bin/keybridge-bridge';

/** For tests that never move a key. */
export const NO_VAULT: MigrationTarget = { addProfile: async () => undefined, removeProfile: async () => undefined, profiles: () => [] };

/** The app's real vault (test cipher, conf store under `dir`), wired as the app core wires it. */
export async function realVault(dir: string): Promise<{ vault: Vault; target: MigrationTarget }> {
  const vault = await createVault({ backend: confBackend(path.join(dir, 'userData')), cipher: createTestCipher() });
  return { vault, target: vaultMigrationTarget(vault) };
}

const isRoot = process.getuid?.() === 0;
/** The ordinary user steps run as when the tests run as root. */
export const USER = { uid: 65534, gid: 65534 };
export const RUNNING_AS_ROOT = isRoot;

async function chownTree(at: string, keep: ReadonlySet<string>): Promise<void> {
  if (keep.has(at)) return;
  const info = await lstat(at).catch(() => null);
  if (!info) return;
  await chown(at, USER.uid, USER.gid).catch(() => undefined);
  if (info.isDirectory()) for (const name of await readdir(at)) await chownTree(path.join(at, name), keep);
}

/**
 * Runs `step` as an ordinary user, so file modes apply as on a user's machine. As root, the
 * tree under `dir` is handed to that user first (except the paths in `keepOwner`, which stay
 * root's, like a `sudo`-created ~/.claude.json), and the effective uid is switched for the step
 * only. As anyone else, the step just runs.
 */
export async function asUser<T>(dir: string, step: () => Promise<T>, keepOwner: string[] = []): Promise<T> {
  if (!isRoot) return step();
  await chownTree(dir, new Set(keepOwner));
  process.setegid?.(USER.gid);
  process.seteuid?.(USER.uid);
  try {
    return await step();
  } finally {
    process.seteuid?.(0);
    process.setegid?.(0);
  }
}
