// A throwaway HOME for one test, laid out like one OS, removed afterwards.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Host } from '../../../src-main/clients/host';
import { resolveClient, type ClientRef, type ClientTarget } from '../../../src-main/clients/registry';

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
