// What the UI and the tray see of a stored profile: settings, masked key, state, the old
// key's fate after a rotation, and the warnings worth showing (rotation reminders, hygiene).
import type { KeyState, ProfileView } from '../../src-shared/profile';
import { VENDORS } from '../../src-shared/vendors';
import { createListeners, type Unsubscribe } from '../../src-shared/listeners';
import type { ProfileRecords } from './profile-records';
import type { StoredProfile } from './stored-schema';

export interface ViewContext {
  /** False while the keychain cannot decrypt anything. */
  encryptionAvailable: boolean;
  /** Profiles whose key no longer decrypts. */
  unreadable: ReadonlySet<string>;
  /** Every stored profile, for the hygiene checks across profiles. */
  all: readonly StoredProfile[];
}

export function keyState(profile: StoredProfile, ctx: ViewContext): KeyState {
  if (!ctx.encryptionAvailable) return 'locked';
  if (ctx.unreadable.has(profile.name)) return 'needs-reentry';
  if (!profile.lastCheck) return 'unverified';
  return profile.lastCheck.ok ? 'ok' : 'failing';
}

export function profileWarnings(profile: StoredProfile, ctx: ViewContext): string[] {
  const warnings: string[] = [];
  if (ctx.unreadable.has(profile.name)) {
    warnings.push('The key can no longer be decrypted (the system keychain changed). Rotate the key to enter it again.');
  }
  const previous = profile.previous;
  if (previous?.fate === 'until-revoked') {
    warnings.push(
      `Revoke the old key ${previous.masked} in the ${VENDORS[profile.vendor].label} dashboard (Integrations → MCP), then confirm here that it is revoked.`,
    );
  } else if (previous?.fate === 'grace' && previous.graceEndsAt) {
    warnings.push(
      `The old key ${previous.masked} stays valid at ${VENDORS[profile.vendor].label} until ${previous.graceEndsAt} (grace window); KeyBridge forgets it then.`,
    );
  }
  const limit = VENDORS[profile.vendor].maxKeysPerAccount;
  if (limit !== null) {
    const count = ctx.all.filter((p) => p.vendor === profile.vendor).length;
    if (count > limit) {
      warnings.push(`You have ${count} ${VENDORS[profile.vendor].label} profiles, but an account allows at most ${limit} keys.`);
    }
  }
  const twins = ctx.all.filter((p) => p.name !== profile.name && p.key.fingerprint === profile.key.fingerprint).map((p) => `'${p.name}'`);
  if (twins.length > 0) {
    warnings.push(`The same key is used by ${twins.join(', ')}: use separate keys per application, so each can be rotated or revoked alone.`);
  }
  return warnings;
}

export function toProfileView(profile: StoredProfile, ctx: ViewContext): ProfileView {
  const { key, previous } = profile;
  return {
    name: profile.name,
    vendor: profile.vendor,
    endpoint: profile.endpoint,
    auth: profile.auth,
    keyPrefix: profile.keyPrefix,
    note: profile.note,
    key: { masked: key.masked, fingerprint: key.fingerprint },
    state: keyState(profile, ctx),
    paused: profile.paused,
    lastCheck: profile.lastCheck,
    addedAt: profile.addedAt,
    lastVerifiedAt: profile.lastVerifiedAt,
    lastUsedAt: profile.lastUsedAt,
    previous: previous
      ? { masked: previous.masked, fingerprint: previous.fingerprint, fate: previous.fate, graceEndsAt: previous.graceEndsAt, rotatedAt: previous.rotatedAt }
      : null,
    warnings: profileWarnings(profile, ctx),
  };
}

/** The views of every stored profile, the state they show that is not stored (is the
 * keychain available, which keys no longer decrypt), and the announcement of changes. */
export interface ProfileViews {
  list(): ProfileView[];
  /** Throws VaultError when there is no such profile. */
  get(name: string): ProfileView;
  subscribe(listener: (profiles: ProfileView[]) => void): Unsubscribe;
  /** Announces the current list to subscribers. */
  changed(): void;
  /** Whether the keychain could decrypt when last asked; a change is announced. */
  setEncryptionAvailable(available: boolean): void;
  encryptionAvailable(): boolean;
  /** The profile's key no longer decrypts (needs re-entry); true when that is news. */
  markUnreadable(name: string): boolean;
  isUnreadable(name: string): boolean;
  /** A new key was entered, or the profile is gone. */
  clearUnreadable(name: string): void;
}

export function createProfileViews(records: ProfileRecords, encryptionAvailableAtStart: boolean): ProfileViews {
  let encryptionAvailable = encryptionAvailableAtStart;
  const unreadable = new Set<string>();
  const profilesChanged = createListeners<ProfileView[]>();
  const context = (): ViewContext => ({ encryptionAvailable, unreadable, all: records.all() });
  const list = () => {
    const ctx = context();
    return records.all().map((p) => toProfileView(p, ctx));
  };
  const changed = () => profilesChanged.emit(list());
  return {
    list,
    get: (name) => toProfileView(records.find(name), context()),
    subscribe: profilesChanged.subscribe,
    changed,
    setEncryptionAvailable(available) {
      if (available === encryptionAvailable) return;
      encryptionAvailable = available;
      changed();
    },
    encryptionAvailable: () => encryptionAvailable,
    markUnreadable(name) {
      if (unreadable.has(name)) return false;
      unreadable.add(name);
      return true;
    },
    isUnreadable: (name) => unreadable.has(name),
    clearUnreadable: (name) => void unreadable.delete(name),
  };
}
