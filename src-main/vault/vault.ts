// The vault: profiles and their keys. Keys are encrypted by the injected cipher and
// decrypted only when a bridge asks or a key is verified. Rotation follows each vendor's
// rules (DESIGN.md): the old key is kept, encrypted, until it is revoked (UptimeObserver) or
// its grace window ends (UptimeMonitoring); custom profiles keep nothing.
import type { z } from 'zod';
import { authStyleSchema, type NetworkSettings } from '../../src-shared/endpoint';
import type { StorageStatus } from '../../src-shared/ipc-contract';
import { checkKey } from '../../src-shared/key-format';
import { addProfileInputSchema, endpointSchema, type AddProfileInput, type ProbeResult, type ProfileView } from '../../src-shared/profile';
import { keyRedactor, redactDeep } from '../../src-shared/redact';
import { VENDORS } from '../../src-shared/vendors';
import type { CredentialSource, CredentialsLookup, KeyEvent, KeyEventListener } from '../agent/credential-source';
import { probeEndpoint, type Probe } from '../upstream/probe';
import { openDocumentStore, type DocumentStore } from './document-store';
import { createListeners, type Unsubscribe } from './listeners';
import { KeychainBusyError, systemClock, type Cipher, type Clock, type StoreBackend, type TimerHandle } from './ports';
import { toProfileView, type ViewContext } from './profile-view';
import { KeyUnreadableError, keyFingerprint, openKey, sealKey } from './sealed-key';
import { createSettingsService, type SettingsService } from './settings';
import { storageStatus } from './storage-status';
import type { StoredProfile } from './stored-schema';

import { VaultError } from './vault-error';

export { VaultError };

export interface VaultProblem {
  level: 'warning' | 'error';
  message: string;
  at: string;
}

export interface ProfileUpdate {
  name: string;
  endpoint?: string;
  auth?: 'x-api-key' | 'bearer';
  note?: string;
}

export interface VaultOptions {
  backend: StoreBackend;
  cipher: Cipher;
  clock?: Clock;
  /** The verify probe (default: a real MCP initialize + tools/list). */
  probe?: Probe;
  probeTimeoutMs?: number;
}

export interface Vault extends CredentialSource {
  readonly settings: SettingsService;
  list(): ProfileView[];
  /** Throws VaultError when there is no such profile. */
  get(name: string): ProfileView;
  /** Checks and encrypts the key; with `verify`, probes the endpoint first and refuses on failure. */
  add(input: AddProfileInput, options?: { verify?: boolean }): Promise<ProfileView>;
  /** Endpoint, auth style, note. Bridges get the new endpoint/auth at once. */
  update(patch: ProfileUpdate): Promise<ProfileView>;
  /** Probes the active key and records the outcome. */
  verify(name: string): Promise<ProbeResult>;
  verifyAll(): Promise<{ profile: string; result: ProbeResult }[]>;
  /** Verifies newKey first (nothing changes on failure), then makes it active and pushes it. */
  rotate(name: string, newKey: string): Promise<ProfileView>;
  /** Restores the kept previous key and pushes it; the key rotated to is forgotten. */
  rollback(name: string): Promise<ProfileView>;
  /** The user revoked the old UptimeObserver key: forget it. */
  confirmRevoked(name: string): Promise<ProfileView>;
  /** Paused: bridges are told the key is revoked and new ones are refused ('denied') until resumed. */
  setPaused(name: string, paused: boolean): Promise<ProfileView>;
  /** Wipes the profile and its ciphertext; connected bridges get `revoked`. */
  remove(name: string): Promise<void>;
  storageStatus(): Promise<StorageStatus>;
  /** Problems found while opening or serving (corrupt store, keys that no longer decrypt). */
  problems(): VaultProblem[];
  subscribe(listener: (profiles: ProfileView[]) => void): Unsubscribe;
  subscribeProblems(listener: (problem: VaultProblem) => void): Unsubscribe;
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
  const probe = options.probe ?? probeEndpoint;
  const iso = () => new Date(clock.now()).toISOString();

  const opened = openDocumentStore(options.backend, clock);
  const store: DocumentStore = opened.store;
  const settings = createSettingsService(store, clock);
  const profilesChanged = createListeners<ProfileView[]>();
  const problemRaised = createListeners<VaultProblem>();
  const keyListeners = new Set<KeyEventListener>();
  const problems: VaultProblem[] = [];
  const unreadable = new Set<string>();
  const graceTimers = new Map<string, TimerHandle>();
  /** Every plain key seen in this process, to redact with; in memory only. */
  const seenKeys = keyRedactor();
  const remember = (key: string) => {
    seenKeys.add(key);
    return key;
  };
  const redactText = seenKeys.redact;
  /** A probe's answer with every key redacted: a server may echo the key it was sent in its
   * error body (or anywhere), and the answer is stored, shown and returned. */
  const redactedProbe = (result: ProbeResult): ProbeResult => redactDeep(result, redactText);
  let encryptionAvailable = await isAvailable(cipher);

  const raise = (level: VaultProblem['level'], message: string) => {
    const problem = { level, message, at: iso() };
    problems.push(problem);
    problemRaised.emit(problem);
  };
  if (opened.movedAside) {
    raise(
      'error',
      `KeyBridge could not read its saved profiles: ${opened.movedAside.reason}. The file was kept as ${opened.movedAside.to} and KeyBridge started with no profiles.`,
    );
  }

  const profiles = () => store.read().profiles;
  const find = (name: string): StoredProfile => {
    const profile = profiles().find((p) => p.name === name);
    if (!profile) throw new VaultError(`There is no profile named '${name}'.`);
    return profile;
  };
  const context = (): ViewContext => ({ encryptionAvailable, unreadable, all: profiles() });
  const view = (name: string) => toProfileView(find(name), context());
  const list = () => {
    const ctx = context();
    return profiles().map((p) => toProfileView(p, ctx));
  };
  const changed = () => profilesChanged.emit(list());

  /** Rewrites one profile; `expectFingerprint` guards against a concurrent key change. */
  const commit = (name: string, change: (p: StoredProfile) => StoredProfile, expectFingerprint?: string) => {
    store.update((doc) => {
      const at = doc.profiles.findIndex((p) => p.name === name);
      const current = doc.profiles[at];
      if (!current) throw new VaultError(`The profile '${name}' was removed meanwhile.`);
      if (expectFingerprint !== undefined && current.key.fingerprint !== expectFingerprint) {
        throw new VaultError(`The key of '${name}' was changed meanwhile; try again.`);
      }
      const profiles = [...doc.profiles];
      profiles[at] = change(current);
      return { ...doc, profiles };
    });
  };

  const emitKeyEvent = async (event: KeyEvent) => {
    await Promise.allSettled([...keyListeners].map(async (listener) => listener(event)));
  };

  /** A paused profile's bridges were told it is revoked: they get credentials on resume. */
  const pushCredentials = async (name: string) => {
    if (!find(name).paused) await emitKeyEvent({ type: 'credentials', profile: name });
  };

  const requireStorage = async () => {
    const status = await storageStatus(cipher, settings.get().allowWeakStorage);
    if (status.mode === 'unavailable') throw new VaultError(status.explanation);
  };

  /** The plain key, or null (and the profile marked needs-reentry) when it no longer decrypts. */
  const decrypt = async (profile: StoredProfile): Promise<string | null> => {
    try {
      const { key, reseal } = await openKey(cipher, profile.key);
      remember(key);
      if (reseal) {
        // The keychain rotated its own key: store the key sealed anew (skipped if it changed meanwhile).
        const sealed = await sealKey(cipher, key, profile.keyPrefix);
        try {
          commit(profile.name, (p) => ({ ...p, key: sealed }), profile.key.fingerprint);
        } catch (error) {
          if (!(error instanceof VaultError)) throw error;
        }
      }
      return key;
    } catch (error) {
      if (!(error instanceof KeyUnreadableError)) throw error;
      if (!unreadable.has(profile.name)) {
        unreadable.add(profile.name);
        raise('warning', `The key for '${profile.name}' can no longer be decrypted (the system keychain changed). Rotate the key in KeyBridge to enter it again.`);
        changed();
      }
      return null;
    }
  };

  /** Probes with `key`; the answer is redacted with every key seen (`key` among them). */
  const runProbe = async (profile: Pick<StoredProfile, 'name' | 'endpoint' | 'auth'>, key: string) => {
    remember(key);
    const result = await probe({ profile: profile.name, endpoint: profile.endpoint, auth: profile.auth, key }, { timeoutMs: options.probeTimeoutMs, network: settings.get().network });
    return redactedProbe(result);
  };

  const checkedKey = (raw: string, profile: Pick<StoredProfile, 'vendor' | 'keyPrefix'>) => {
    const check = checkKey(raw, profile.vendor, profile.keyPrefix);
    if (!check.ok) throw new VaultError(check.message);
    return remember(check.key);
  };

  // ---- grace windows --------------------------------------------------------------------

  const cancelGraceTimer = (name: string) => {
    const timer = graceTimers.get(name);
    if (timer !== undefined) clock.clearTimeout(timer);
    graceTimers.delete(name);
  };
  const scheduleGrace = (profile: StoredProfile) => {
    cancelGraceTimer(profile.name);
    const previous = profile.previous;
    if (previous?.fate !== 'grace' || !previous.graceEndsAt) return;
    const endsAt = Date.parse(previous.graceEndsAt);
    const wipe = () => {
      graceTimers.delete(profile.name);
      const current = profiles().find((p) => p.name === profile.name);
      if (current?.previous?.graceEndsAt !== previous.graceEndsAt) return;
      commit(profile.name, (p) => ({ ...p, previous: null }));
      changed();
    };
    if (endsAt <= clock.now()) wipe();
    else graceTimers.set(profile.name, clock.setTimeout(wipe, endsAt - clock.now()));
  };

  // ---- opening: keys that no longer decrypt, grace windows that ended while closed -------

  if (encryptionAvailable) {
    for (const profile of profiles()) {
      // A busy keychain says nothing about the key: it is tried again when it is needed.
      await decrypt(profile).catch((error: unknown) => {
        if (!(error instanceof KeychainBusyError)) throw error;
      });
      // The kept previous key still works at the vendor: redact it too.
      if (profile.previous) await openKey(cipher, profile.previous).then(({ key }) => remember(key), () => undefined);
    }
  }
  for (const profile of profiles()) scheduleGrace(profile);

  const networkFor = (): NetworkSettings | undefined => {
    const { proxy, noProxy, extraCaCerts } = settings.get().network;
    const network: NetworkSettings = {};
    if (proxy) network.proxy = proxy;
    if (noProxy) network.noProxy = noProxy;
    if (extraCaCerts) network.extraCaCerts = extraCaCerts;
    return Object.keys(network).length > 0 ? network : undefined;
  };

  const vault: Vault = {
    settings,
    list,
    get: view,
    has: (name) => profiles().some((p) => p.name === name),

    async add(input, { verify = false } = {}) {
      const parsed = addProfileInputSchema.safeParse(input);
      if (!parsed.success) throw new VaultError(parsed.error.issues[0]?.message ?? 'The profile is incomplete.');
      const { key: raw, ...fields } = parsed.data;
      if (vault.has(fields.name)) throw new VaultError(`A profile named '${fields.name}' already exists.`);
      const key = checkedKey(raw, fields);
      await requireStorage();
      let lastCheck: ProbeResult | null = null;
      if (verify) {
        lastCheck = await runProbe(fields, key);
        if (!lastCheck.ok) throw new VaultError(`The key did not work: ${lastCheck.message}`);
      }
      const sealed = await sealKey(cipher, key, fields.keyPrefix);
      const now = iso();
      store.update((doc) => {
        if (doc.profiles.some((p) => p.name === fields.name)) throw new VaultError(`A profile named '${fields.name}' already exists.`);
        const profile: StoredProfile = {
          ...fields,
          key: sealed,
          previous: null,
          paused: false,
          addedAt: now,
          lastVerifiedAt: lastCheck ? now : null,
          lastUsedAt: null,
          lastCheck,
        };
        return { ...doc, profiles: [...doc.profiles, profile] };
      });
      changed();
      return view(fields.name);
    },

    async update({ name, endpoint, auth, note }) {
      const before = find(name);
      const next = {
        endpoint: endpoint === undefined ? before.endpoint : parseOr(endpointSchema, endpoint),
        auth: auth === undefined ? before.auth : parseOr(authStyleSchema, auth),
        note: note === undefined ? before.note : note.slice(0, 500),
      };
      const reachChanged = next.endpoint !== before.endpoint || next.auth !== before.auth;
      commit(name, (p) => ({ ...p, ...next, ...(reachChanged ? { lastCheck: null } : {}) }));
      changed();
      if (reachChanged) await pushCredentials(name);
      return view(name);
    },

    async verify(name) {
      const profile = find(name);
      const key = await decrypt(profile);
      if (key === null) throw new VaultError(`The key for '${name}' can no longer be decrypted. Rotate the key to enter it again.`);
      const result = await runProbe(profile, key);
      try {
        commit(name, (p) => ({ ...p, lastCheck: result, lastVerifiedAt: result.at }), profile.key.fingerprint);
        changed();
      } catch (error) {
        // Removed or rotated while probing: the result describes a key that is gone.
        if (!(error instanceof VaultError)) throw error;
      }
      return result;
    },

    async verifyAll() {
      return Promise.all(
        profiles().map(async (p) => {
          try {
            return { profile: p.name, result: await vault.verify(p.name) };
          } catch (error) {
            const message = redactText(error instanceof Error ? error.message : String(error));
            return { profile: p.name, result: { ok: false as const, status: null, message, at: iso() } };
          }
        }),
      );
    },

    async rotate(name, newKeyRaw) {
      const profile = find(name);
      const key = checkedKey(newKeyRaw, profile);
      if (keyFingerprint(key) === profile.key.fingerprint) throw new VaultError(`That is the key '${name}' already uses.`);
      const keepsNothing = unreadable.has(name);
      const fate = VENDORS[profile.vendor].rotation;
      if (!keepsNothing && fate === 'until-revoked' && profile.previous) {
        throw new VaultError(
          `First revoke the old key ${profile.previous.masked} in the ${VENDORS[profile.vendor].label} dashboard and confirm it here (or roll back), then rotate again.`,
        );
      }
      await requireStorage();
      const result = await runProbe(profile, key);
      if (!result.ok) throw new VaultError(`The new key did not work, so nothing was changed: ${result.message}`);
      const sealed = await sealKey(cipher, key, profile.keyPrefix);
      const now = iso();
      const graceMs = VENDORS[profile.vendor].graceMs ?? 0;
      const previous: StoredProfile['previous'] =
        keepsNothing || fate === 'none'
          ? null
          : {
              ...profile.key,
              fate,
              graceEndsAt: fate === 'grace' ? new Date(clock.now() + graceMs).toISOString() : null,
              rotatedAt: now,
            };
      commit(name, (p) => ({ ...p, key: sealed, previous, lastCheck: result, lastVerifiedAt: result.at }), profile.key.fingerprint);
      unreadable.delete(name);
      scheduleGrace(find(name));
      changed();
      await pushCredentials(name);
      return view(name);
    },

    async rollback(name) {
      const profile = find(name);
      const previous = profile.previous;
      if (!previous) throw new VaultError(`'${name}' has no previous key to go back to.`);
      try {
        remember((await openKey(cipher, previous)).key);
      } catch {
        throw new VaultError(`The previous key of '${name}' can no longer be decrypted; it cannot be restored.`);
      }
      const restored = { ciphertext: previous.ciphertext, masked: previous.masked, fingerprint: previous.fingerprint };
      commit(name, (p) => ({ ...p, key: restored, previous: null, lastCheck: null }), profile.key.fingerprint);
      unreadable.delete(name);
      cancelGraceTimer(name);
      changed();
      await pushCredentials(name);
      return view(name);
    },

    async confirmRevoked(name) {
      const profile = find(name);
      if (profile.previous?.fate !== 'until-revoked') throw new VaultError(`'${name}' has no old key waiting to be revoked.`);
      commit(name, (p) => ({ ...p, previous: null }));
      changed();
      return view(name);
    },

    async setPaused(name, paused) {
      if (find(name).paused === paused) return view(name);
      commit(name, (p) => ({ ...p, paused }));
      changed();
      await emitKeyEvent(paused ? { type: 'revoked', profile: name, message: pausedMessage(name) } : { type: 'credentials', profile: name });
      return view(name);
    },

    async remove(name) {
      find(name);
      store.update((doc) => ({ ...doc, profiles: doc.profiles.filter((p) => p.name !== name) }));
      cancelGraceTimer(name);
      unreadable.delete(name);
      changed();
      await emitKeyEvent({ type: 'revoked', profile: name, message: `The key for '${name}' was removed in KeyBridge.` });
    },

    async storageStatus() {
      const status = await storageStatus(cipher, settings.get().allowWeakStorage);
      const available = await isAvailable(cipher);
      if (available !== encryptionAvailable) {
        encryptionAvailable = available;
        changed();
      }
      return status;
    },

    problems: () => [...problems],
    subscribe: profilesChanged.subscribe,
    subscribeProblems: problemRaised.subscribe,

    async credentialsFor(name, options = {}): Promise<CredentialsLookup> {
      const profile = profiles().find((p) => p.name === name);
      if (!profile) return { ok: false, code: 'unknown-profile', message: `No profile named '${name}'. Open KeyBridge to add it.` };
      if (profile.paused) return { ok: false, code: 'denied', message: pausedMessage(name) };
      if (!(await isAvailable(cipher))) {
        if (encryptionAvailable) {
          encryptionAvailable = false;
          changed();
        }
        return { ok: false, code: 'locked', message: 'KeyBridge cannot decrypt keys right now: the system keychain is not available. Unlock it and try again.' };
      }
      if (!encryptionAvailable) {
        encryptionAvailable = true;
        changed();
      }
      let key: string | null;
      try {
        key = await decrypt(profile);
      } catch (error) {
        if (error instanceof KeychainBusyError) return { ok: false, code: 'locked', message: error.message };
        throw error;
      }
      if (key === null) {
        return { ok: false, code: 'locked', message: `The key for '${name}' can no longer be decrypted (the system keychain changed). Re-enter it in KeyBridge.` };
      }
      const current = profiles().find((p) => p.name === name);
      // Rotated, paused or removed while decrypting: answer for the profile as it is now.
      if (!current || current.key.fingerprint !== profile.key.fingerprint || current.paused) return vault.credentialsFor(name, options);
      if (options.record !== false) {
        try {
          commit(name, (p) => ({ ...p, lastUsedAt: iso() }));
          changed();
        } catch (error) {
          // Recording "last used" is bookkeeping: a session still starts on a full disk.
          raise('warning', error instanceof Error ? error.message : String(error));
        }
      }
      const network = networkFor();
      return { ok: true, credentials: { endpoint: current.endpoint, auth: current.auth, key, keyId: current.key.fingerprint, ...(network ? { network } : {}) } };
    },

    onKeyEvent(listener) {
      keyListeners.add(listener);
      return () => {
        keyListeners.delete(listener);
      };
    },

    redact: redactText,

    close() {
      for (const name of [...graceTimers.keys()]) cancelGraceTimer(name);
    },
  };
  return vault;
}

function pausedMessage(name: string): string {
  return `The profile '${name}' is paused in KeyBridge; resume it there to use it again.`;
}

async function isAvailable(cipher: Cipher): Promise<boolean> {
  try {
    return await cipher.isAvailable();
  } catch {
    return false;
  }
}

function parseOr<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new VaultError(parsed.error.issues[0]?.message ?? 'Invalid value.');
  return parsed.data;
}
