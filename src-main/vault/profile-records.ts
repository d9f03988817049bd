// The stored profiles in the vault's document: lookup by name and whole-profile changes, each
// written through the document store (atomic, all or nothing).
import type { DocumentStore } from './document-store';
import type { StoredProfile } from './stored-schema';
import { VaultError } from './vault-error';

export interface ProfileRecords {
  all(): readonly StoredProfile[];
  /** The profile as stored now, or undefined. */
  lookup(name: string): StoredProfile | undefined;
  /** Throws VaultError when there is no such profile. */
  find(name: string): StoredProfile;
  has(name: string): boolean;
  /** Throws VaultError when the name is taken. */
  insert(profile: StoredProfile): void;
  /** Rewrites one profile; `expectFingerprint` guards against a concurrent key change
   * (VaultError when the profile was removed or its key changed meanwhile). */
  change(name: string, change: (profile: StoredProfile) => StoredProfile, expectFingerprint?: string): void;
  delete(name: string): void;
  /** Renames a profile and the decisions remembered for it, in one write. */
  rename(name: string, newName: string): void;
}

export function createProfileRecords(store: DocumentStore): ProfileRecords {
  const all = () => store.read().profiles;
  const lookup = (name: string) => all().find((p) => p.name === name);
  return {
    all,
    lookup,
    find(name) {
      const profile = lookup(name);
      if (!profile) throw new VaultError(`There is no profile named '${name}'.`);
      return profile;
    },
    has: (name) => lookup(name) !== undefined,
    insert(profile) {
      store.update((doc) => {
        if (doc.profiles.some((p) => p.name === profile.name)) throw nameTaken(profile.name);
        return { ...doc, profiles: [...doc.profiles, profile] };
      });
    },
    change(name, change, expectFingerprint) {
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
    },
    delete(name) {
      store.update((doc) => ({ ...doc, profiles: doc.profiles.filter((p) => p.name !== name) }));
    },
    rename(name, newName) {
      store.update((doc) => {
        if (!doc.profiles.some((p) => p.name === name)) throw new VaultError(`There is no profile named '${name}'.`);
        if (doc.profiles.some((p) => p.name === newName)) throw nameTaken(newName);
        return {
          ...doc,
          profiles: doc.profiles.map((p) => (p.name === name ? { ...p, name: newName } : p)),
          decisions: doc.decisions.map((d) => (d.profile === name ? { ...d, profile: newName } : d)),
        };
      });
    },
  };
}

export function nameTaken(name: string): VaultError {
  return new VaultError(`A profile named '${name}' already exists.`);
}
