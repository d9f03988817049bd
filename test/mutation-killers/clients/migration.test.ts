// Moving a plaintext key into the vault (src-main/clients/migration.ts), all or nothing, on real
// files in a temp HOME: what the vault is asked (add, take back) and what the user is told when
// the write fails after the profile was added, when the profile cannot be taken back, and when
// the move only points the entry at a profile that already holds the key.
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { listBackups } from '../../../src-main/clients/config-backups';
import { MigrationError, type MigrationTarget } from '../../../src-main/clients/migration';
import { ClientsService } from '../../../src-main/clients/service';
import type { AddProfileInput } from '../../../src-shared/profile';
import { keyFingerprint } from '../../../src-main/upstream/key-fingerprint';
import { LAUNCHER, tempHome, type TempHome } from '../../main/clients/temp-home';

const UO_KEY = 'uo_test_migr7c1e9a2b4d60';
const UO_URL = 'https://mcp.uptimeobserver.com/mcp';
const ORIGINAL = `${JSON.stringify({ mcpServers: { uptime: { url: UO_URL, headers: { 'X-API-Key': UO_KEY } } } }, null, 2)}\n`;

interface Recorder extends MigrationTarget {
  added: (AddProfileInput | null)[];
  removed: (string | null)[];
  /** Runs inside addProfile, after the profile is stored: what happens right before the write. */
  onAdd: () => Promise<void>;
  /** What removeProfile throws, if anything. */
  removeFails: unknown;
}

/** A vault that keeps profiles in memory and records what it was asked. */
function recorder(held: { name: string; key: string }[] = []): Recorder {
  const vault: Recorder = {
    added: [],
    removed: [],
    onAdd: async () => undefined,
    removeFails: undefined,
    async addProfile(input) {
      vault.added.push(input);
      await vault.onAdd();
      return input;
    },
    async removeProfile(name) {
      vault.removed.push(name);
      if (vault.removeFails !== undefined) throw vault.removeFails;
    },
    profiles: () => held.map((p) => ({ name: p.name, fingerprint: keyFingerprint(p.key) })),
  };
  return vault;
}

let home: TempHome | null = null;
let service: ClientsService | null = null;
afterEach(async () => {
  service?.close();
  await home?.remove();
  home = service = null;
});

async function setup(vault: Recorder) {
  home = await tempHome('linux');
  service = new ClientsService({ host: home.host, entry: { launcherPath: LAUNCHER }, vault });
  const cursor = await home.writeConfig({ id: 'cursor' }, ORIGINAL);
  const { findings } = await service.scanKeys();
  expect(findings).toHaveLength(1);
  return { service, configPath: cursor.configPath, backupDir: cursor.backupDir, finding: findings[0]! };
}

const failure = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: Error) => error,
  );

/** Puts a folder where the config file is: the atomic replace then fails (EISDIR). */
const folderInPlaceOf = (file: string) => async () => {
  await rm(file);
  await mkdir(file);
};

describe('a move needs a profile name', () => {
  it('move and use-existing without a profile are refused before anything', async () => {
    const vault = recorder();
    const { service, configPath, finding } = await setup(vault);
    expect((await failure(service.migrate(finding.id, {}))).message).toBe('Name the profile the key goes to.');
    expect((await failure(service.migrate(finding.id, { action: 'use-existing' }))).message).toBe('Name the profile the key goes to.');
    expect(vault.added).toEqual([]);
    expect(await readFile(configPath, 'utf8')).toBe(ORIGINAL);
  });
});

describe('the write fails after the profile was added', () => {
  it('the profile is taken back and the user is told the key is still in the file', async () => {
    const vault = recorder();
    const { service, configPath, backupDir, finding } = await setup(vault);
    vault.onAdd = folderInPlaceOf(configPath);
    const error = await failure(service.migrate(finding.id, { profile: 'uptime' }));
    expect(error).toBeInstanceOf(MigrationError);
    expect(String(error)).toBe(
      `MigrationError: KeyBridge did not change ${configPath}: writing it failed (it is a folder, not a file (EISDIR)). Nothing was changed. The key is still in the file, and KeyBridge did not keep it. Fix that and try again.`,
    );
    expect(vault.added.map((p) => p?.name)).toEqual(['uptime']);
    expect(vault.removed).toEqual(['uptime']);
    expect(await listBackups(configPath, backupDir)).toEqual([]);
  });

  it('a profile that cannot be taken back is named, with why, and where to remove it', async () => {
    const vault = recorder();
    const { service, configPath, finding } = await setup(vault);
    vault.onAdd = folderInPlaceOf(configPath);
    vault.removeFails = new Error('the vault file is read-only');
    const error = await failure(service.migrate(finding.id, { profile: 'uptime' }));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toBe(
      `KeyBridge did not change ${configPath}: writing it failed (it is a folder, not a file (EISDIR)). It could not take back the profile 'uptime' it had just added (the vault file is read-only); remove it on the Keys screen, then try again.`,
    );
    expect(vault.removed).toEqual(['uptime']);
  });

  it('a refusal to take it back that is not an Error is said as it is', async () => {
    const vault = recorder();
    const { service, configPath, finding } = await setup(vault);
    vault.onAdd = folderInPlaceOf(configPath);
    vault.removeFails = 'keychain locked';
    const error = await failure(service.migrate(finding.id, { profile: 'uptime' }));
    expect(error.message).toContain("It could not take back the profile 'uptime' it had just added (keychain locked); remove it on the Keys screen");
  });

  it("the vault's own refusal reaches the user as it is, the file untouched", async () => {
    const vault = recorder();
    const { service, configPath, finding } = await setup(vault);
    const refusal = new Error("A profile named 'uptime' already exists.");
    vault.onAdd = async () => {
      throw refusal;
    };
    expect(await failure(service.migrate(finding.id, { profile: 'uptime' }))).toBe(refusal);
    expect(vault.removed).toEqual([]);
    expect(await readFile(configPath, 'utf8')).toBe(ORIGINAL);
  });
});

describe('use-existing adds nothing to the vault', () => {
  it('the entry points at the profile holding the key; the vault is not asked to add or take back', async () => {
    const vault = recorder([{ name: 'uptime', key: UO_KEY }]);
    const { service, configPath, finding } = await setup(vault);
    expect(finding.existingProfile).toBe('uptime');
    const result = await service.migrate(finding.id, { action: 'use-existing', profile: 'uptime' });
    expect(result.message).toBe("'uptime' now uses the key KeyBridge already holds as 'uptime'.");
    expect(await readFile(configPath, 'utf8')).not.toContain(UO_KEY);
    expect(vault.added).toEqual([]);
    expect(vault.removed).toEqual([]);
  });

  it('a file it may not write: refused with why, without "KeyBridge did not keep it" (it holds the key already)', async () => {
    const vault = recorder([{ name: 'uptime', key: UO_KEY }]);
    const { service, configPath, finding } = await setup(vault);
    await chmod(configPath, 0o444);
    const error = await failure(service.migrate(finding.id, { action: 'use-existing', profile: 'uptime' }));
    expect(error.message).toBe(
      `KeyBridge did not change ${configPath}: the file is read-only (mode 0444); make it writable (chmod u+w) if KeyBridge may change it, or add the entry by hand (Show snippet). Nothing was changed. Fix that and try again.`,
    );
    expect(vault.added).toEqual([]);
    expect(vault.removed).toEqual([]);
  });
});
