// The vault: profiles and their keys. Keys are encrypted by the injected cipher and
// decrypted only when a session asks or a key is verified. This file is the vault's
// surface and puts its parts together; each behaviour lives in its own module:
//   stored-schema, document-store   the file: schema, migrations, atomic writes, corrupt store
//   profile-records                 stored profiles by name, whole-profile changes
//   profile-view, problems          what is shown: views and their state, problems found
//   key-lifecycle, grace-timers     add, rotate, rollback, confirm-revoked; grace windows
//   key-verify                      probes and their recorded outcome
//   profile-edits                   endpoint/auth/note, pause, remove
//   credentials, key-opener         keys decrypted on demand for sessions
//   key-events                      what sessions in progress are told
//   key-memory                      every key seen, to redact with
//   settings                        settings and remembered decisions
import type { StorageStatus } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';
import { probeEndpoint, type Probe } from '../upstream/probe';
import { createCredentials, type CredentialsLookup, type CredentialsOptions } from './credentials';
import { openDocumentStore } from './document-store';
import { createGraceTimers } from './grace-timers';
import { createKeyEvents, type KeyEventListener } from './key-events';
import { createKeyLifecycle, type KeyLifecycle } from './key-lifecycle';
import { createKeyMemory } from './key-memory';
import { createKeyOpener } from './key-opener';
import { createKeyVerifier, type KeyVerifier } from './key-verify';
import type { Unsubscribe } from '../../src-shared/listeners';
import { systemClock, type Cipher, type Clock, type StoreBackend } from './ports';
import { createProblems, type VaultProblem } from './problems';
import { createProfileEdits, type ProfileEdits } from './profile-edits';
import { createProfileRecords } from './profile-records';
import { createProfileViews } from './profile-view';
import { createSettingsService, type SettingsService } from './settings';
import { cipherAvailable, storageStatus } from './storage-status';

export interface VaultOptions {
  backend: StoreBackend;
  cipher: Cipher;
  clock?: Clock;
  /** The verify probe (default: a real MCP initialize + tools/list). */
  probe?: Probe;
  probeTimeoutMs?: number;
}

/** Add, rotate, rollback, confirm-revoked (key-lifecycle.ts); update, pause, remove
 * (profile-edits.ts); verify (key-verify.ts); and what follows. */
export interface Vault extends KeyLifecycle, ProfileEdits, Pick<KeyVerifier, 'verify' | 'verifyAll'> {
  readonly settings: SettingsService;
  list(): ProfileView[];
  /** Throws VaultError when there is no such profile. */
  get(name: string): ProfileView;
  has(name: string): boolean;
  storageStatus(): Promise<StorageStatus>;
  /** Problems found while opening or serving (corrupt store, keys that no longer decrypt). */
  problems(): VaultProblem[];
  subscribe(listener: (profiles: ProfileView[]) => void): Unsubscribe;
  subscribeProblems(listener: (problem: VaultProblem) => void): Unsubscribe;
  /** The profile's key decrypted, with its endpoint, auth style and network settings; records
   * the use (lastUsedAt) unless `record` is false. The agent's CredentialSource port. */
  credentialsFor(name: string, options?: CredentialsOptions): Promise<CredentialsLookup>;
  /** Rotation, rollback, edits, pause and removal, for the sessions in progress. */
  onKeyEvent(listener: KeyEventListener): Unsubscribe;
  /**
   * `text` with every key this vault has held in this process redacted (added, rotated,
   * decrypted, the kept previous keys; removed ones too), besides the vendor-shaped ones. For
   * whatever leaves the vault's owner: the activity log, notifications, IPC answers. The keys
   * themselves stay in memory only, never stored.
   */
  redact(text: string): string;
  /** Stops the grace-window timers. */
  close(): void;
}

export async function createVault(options: VaultOptions): Promise<Vault> {
  const clock = options.clock ?? systemClock;
  const { cipher } = options;

  const opened = openDocumentStore(options.backend, clock);
  const settings = createSettingsService(opened.store, clock);
  const records = createProfileRecords(opened.store);
  const views = createProfileViews(records, await cipherAvailable(cipher));
  const problems = createProblems(clock);
  const memory = createKeyMemory();
  const events = createKeyEvents();
  const grace = createGraceTimers({ clock, records, views });
  const keys = createKeyOpener({ cipher, records, views, memory, problems });
  const verifier = createKeyVerifier({ probe: options.probe ?? probeEndpoint, probeTimeoutMs: options.probeTimeoutMs, clock, records, views, keys, memory, settings });
  const lifecycle = createKeyLifecycle({ cipher, clock, records, views, keys, memory, verifier, grace, events, settings });
  const edits = createProfileEdits({ records, views, grace, events });
  const credentialsFor = createCredentials({ cipher, clock, records, views, keys, problems, settings });

  if (opened.movedAside) {
    problems.raise(
      'error',
      `Your saved keys could not be read: ${opened.movedAside.reason}. The file was kept as ${opened.movedAside.to}, and KeyBridge started with no keys.`,
      opened.movedAside.to,
    );
  }
  // Keys that no longer decrypt, and grace windows that ended while KeyBridge was closed.
  await keys.openAll();
  for (const profile of records.all()) grace.schedule(profile);

  return {
    settings,
    list: views.list,
    get: views.get,
    has: records.has,
    add: lifecycle.add,
    update: edits.update,
    rename: edits.rename,
    verify: verifier.verify,
    verifyAll: verifier.verifyAll,
    rotate: lifecycle.rotate,
    rollback: lifecycle.rollback,
    confirmRevoked: lifecycle.confirmRevoked,
    reenter: lifecycle.reenter,
    setPaused: edits.setPaused,
    remove: edits.remove,
    async storageStatus() {
      const status = await storageStatus(cipher, settings.get().allowWeakStorage);
      views.setEncryptionAvailable(await cipherAvailable(cipher));
      return status;
    },
    problems: problems.list,
    subscribe: views.subscribe,
    subscribeProblems: problems.subscribe,
    credentialsFor,
    onKeyEvent: events.onKeyEvent,
    redact: memory.redact,
    close: grace.stop,
  };
}
