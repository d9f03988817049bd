// A profile's key from adding to rotation and back. Rotation follows each vendor's rules
// (docs/vendors.md): the old key is kept, encrypted, until it is revoked (UptimeObserver) or
// its grace window ends (UptimeMonitoring); custom profiles keep nothing.
import { checkKey } from '../../src-shared/key-format';
import { addProfileInputSchema, type AddProfileInput, type ProbeResult, type ProfileView } from '../../src-shared/profile';
import { VENDORS } from '../../src-shared/vendors';
import type { VaultParts } from './parts';
import { isoNow } from './ports';
import { nameTaken } from './profile-records';
import { keyFingerprint } from '../upstream/key-fingerprint';
import { sealKey } from './sealed-key';
import { requireStorage } from './storage-status';
import type { StoredProfile } from './stored-schema';
import { VaultError } from './vault-error';

export interface KeyLifecycle {
  /** Checks and encrypts the key; with `verify`, probes the endpoint first and refuses on failure. */
  add(input: AddProfileInput, options?: { verify?: boolean }): Promise<ProfileView>;
  /** Verifies newKey first (nothing changes on failure), then makes it active and pushes it. */
  rotate(name: string, newKey: string): Promise<ProfileView>;
  /** Restores the kept previous key and pushes it; the key rotated to is forgotten. */
  rollback(name: string): Promise<ProfileView>;
  /** The user revoked the old UptimeObserver key: checked (the vendor must now refuse it),
   * then forgotten. */
  confirmRevoked(name: string): Promise<ProfileView>;
  /** The key again (it no longer decrypts here) or the one the vendor now accepts: verified
   * first, then it replaces the active key in place; no old key is kept. */
  reenter(name: string, key: string): Promise<ProfileView>;
}

export type KeyLifecycleParts = Pick<VaultParts, 'cipher' | 'clock' | 'records' | 'views' | 'keys' | 'memory' | 'verifier' | 'grace' | 'events' | 'settings'>;

/** Why a key being added was not saved, said for adding (not "rotate or re-enter it"). */
function addRefusal(vendor: StoredProfile['vendor'], check: Extract<ProbeResult, { ok: false }>): string {
  if (check.status === 401 || check.status === 403) {
    const by = vendor === 'custom' ? 'the server' : VENDORS[vendor].label;
    return `This key was rejected by ${by}${check.detail ? `: ${check.detail}` : ` (${check.status})`}. Check you copied the whole key.`;
  }
  return `The key could not be checked, so it was not saved: ${check.message}`;
}

export function createKeyLifecycle(parts: KeyLifecycleParts): KeyLifecycle {
  const { cipher, clock, records, views, keys, memory, verifier, grace, events, settings } = parts;
  const storageAllowed = () => requireStorage(cipher, settings.get().allowWeakStorage);

  /** The key as pasted, normalized and checked for the vendor (src-shared/key-format.ts). */
  const checkedKey = (raw: string, profile: Pick<StoredProfile, 'vendor' | 'keyPrefix'>) => {
    const check = checkKey(raw, profile.vendor, profile.keyPrefix);
    if (!check.ok) throw new VaultError(check.message);
    return memory.remember(check.key);
  };

  /** The key kept after rotating away from `profile.key`, per the vendor's rules; nothing when
   * that key no longer decrypts (`keepsNothing`). */
  const keptPrevious = (profile: StoredProfile, keepsNothing: boolean, rotatedAt: string): StoredProfile['previous'] => {
    const fate = VENDORS[profile.vendor].rotation;
    if (keepsNothing || fate === 'none') return null;
    const graceMs = VENDORS[profile.vendor].graceMs ?? 0;
    const graceEndsAt = fate === 'grace' ? new Date(clock.now() + graceMs).toISOString() : null;
    return { ...profile.key, fate, graceEndsAt, rotatedAt };
  };

  /** The active key was replaced (rotated to, rolled back to): it decrypts, the kept key's
   * grace timer follows the kept key (none after a rollback), sessions take the new one. */
  const activeKeyReplaced = async (name: string) => {
    views.clearUnreadable(name);
    grace.schedule(records.find(name));
    views.changed();
    await events.credentialsChanged(records.find(name));
    return views.get(name);
  };

  return {
    async add(input, { verify = false } = {}) {
      const parsed = addProfileInputSchema.safeParse(input);
      // Stryker disable next-line OptionalChaining,StringLiteral: a failed safeParse always has a first issue; the fallback only satisfies the index type
      if (!parsed.success) throw new VaultError(parsed.error.issues[0]?.message ?? 'The profile is incomplete.');
      const { key: raw, ...fields } = parsed.data;
      if (records.has(fields.name)) throw nameTaken(fields.name);
      const key = checkedKey(raw, fields);
      await storageAllowed();
      let lastCheck: ProbeResult | null = null;
      if (verify) {
        lastCheck = await verifier.probe(fields, key);
        if (!lastCheck.ok) throw new VaultError(addRefusal(fields.vendor, lastCheck));
      }
      const sealed = await sealKey(cipher, key, fields.keyPrefix);
      const now = isoNow(clock);
      records.insert({
        ...fields,
        key: sealed,
        previous: null,
        paused: false,
        addedAt: now,
        lastVerifiedAt: lastCheck ? now : null,
        lastUsedAt: null,
        lastCheck,
      });
      views.changed();
      return views.get(fields.name);
    },

    async rotate(name, newKeyRaw) {
      const profile = records.find(name);
      const key = checkedKey(newKeyRaw, profile);
      if (keyFingerprint(key) === profile.key.fingerprint) throw new VaultError(`That is the key '${name}' already uses.`);
      const keepsNothing = views.isUnreadable(name);
      const vendor = VENDORS[profile.vendor];
      if (!keepsNothing && vendor.rotation === 'until-revoked' && profile.previous) {
        throw new VaultError(
          `First revoke the old key ${profile.previous.masked} in the ${vendor.label} dashboard and confirm it here (or roll back), then rotate again.`,
        );
      }
      await storageAllowed();
      const result = await verifier.probe(profile, key);
      if (!result.ok) throw new VaultError(`The new key did not work, so nothing was changed: ${result.message}`);
      const sealed = await sealKey(cipher, key, profile.keyPrefix);
      const previous = keptPrevious(profile, keepsNothing, isoNow(clock));
      records.change(name, (p) => ({ ...p, key: sealed, previous, lastCheck: result, lastVerifiedAt: result.at }), profile.key.fingerprint);
      return activeKeyReplaced(name);
    },

    async rollback(name) {
      const profile = records.find(name);
      const previous = profile.previous;
      if (!previous) throw new VaultError(`'${name}' has no previous key to go back to.`);
      try {
        await keys.openPrevious(previous);
      } catch {
        throw new VaultError(`The previous key of '${name}' can no longer be decrypted; it cannot be restored.`);
      }
      const restored = { ciphertext: previous.ciphertext, masked: previous.masked, fingerprint: previous.fingerprint };
      records.change(name, (p) => ({ ...p, key: restored, previous: null, lastCheck: null }), profile.key.fingerprint);
      return activeKeyReplaced(name);
    },

    async confirmRevoked(name) {
      const profile = records.find(name);
      const previous = profile.previous;
      if (previous?.fate !== 'until-revoked') throw new VaultError(`'${name}' has no old key waiting to be revoked.`);
      // Forget the old key only once the vendor refuses it: while it works, anyone who copied
      // it can still use the account. An old key that no longer decrypts cannot be checked.
      const old = await keys.openPrevious(previous).catch(() => null);
      if (old !== null) {
        const check = await verifier.probe(profile, old);
        const vendor = VENDORS[profile.vendor].label;
        if (check.ok) throw new VaultError(`The old key ${previous.masked} still works at ${vendor}. Revoke it in the dashboard (Integrations → MCP), then confirm again.`);
        if (check.status !== 401 && check.status !== 403) {
          throw new VaultError(`Could not check that ${vendor} refuses the old key ${previous.masked} (${check.message}). Try again when ${vendor} can be reached.`);
        }
      }
      records.change(name, (p) => ({ ...p, previous: null }));
      views.changed();
      return views.get(name);
    },

    async reenter(name, newKeyRaw) {
      const profile = records.find(name);
      const key = checkedKey(newKeyRaw, profile);
      await storageAllowed();
      const result = await verifier.probe(profile, key);
      if (!result.ok) throw new VaultError(`This key did not work, so nothing was changed: ${result.message}`);
      const sealed = await sealKey(cipher, key, profile.keyPrefix);
      // The same key again keeps a rotation in progress; another key ends it (the old key was
      // refused or is unreadable: nothing to roll back to).
      const same = sealed.fingerprint === profile.key.fingerprint;
      records.change(name, (p) => ({ ...p, key: sealed, previous: same ? p.previous : null, lastCheck: result, lastVerifiedAt: result.at }), profile.key.fingerprint);
      return activeKeyReplaced(name);
    },
  };
}
