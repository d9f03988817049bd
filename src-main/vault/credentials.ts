// Credentials for a session: a profile's key, decrypted on demand, with its endpoint, auth
// style and the user's network settings. Every use is recorded (lastUsedAt) unless asked
// not to. The answer is the vault's own type; the agent's CredentialSource takes it as it is.
import type { NetworkSettings } from '../../src-shared/endpoint';
import type { UpstreamCredentials } from '../upstream/credentials';
import { pausedMessage } from './key-events';
import type { VaultParts } from './parts';
import { isoNow, KeychainBusyError } from './ports';
import type { SettingsService } from './settings';
import { cipherAvailable } from './storage-status';

/** Why there are no credentials: `unknown-profile`, no such profile; `denied`, it is paused;
 * `locked`, the keychain is unavailable or busy, or the key no longer decrypts. */
export type CredentialsRefusal = 'unknown-profile' | 'denied' | 'locked';

export type CredentialsLookup = { ok: true; credentials: UpstreamCredentials } | { ok: false; code: CredentialsRefusal; message: string };

export interface CredentialsOptions {
  /** Record the use as the profile's lastUsedAt (default true). */
  record?: boolean;
}

export type CredentialsParts = Pick<VaultParts, 'cipher' | 'clock' | 'records' | 'views' | 'keys' | 'problems' | 'settings'>;

export function createCredentials(parts: CredentialsParts): (name: string, options?: CredentialsOptions) => Promise<CredentialsLookup> {
  const { cipher, clock, records, views, keys, problems, settings } = parts;

  const credentialsFor = async (name: string, options: CredentialsOptions = {}): Promise<CredentialsLookup> => {
    const profile = records.lookup(name);
    if (!profile) return { ok: false, code: 'unknown-profile', message: `No profile named '${name}'. Open KeyBridge to add it.` };
    if (profile.paused) return { ok: false, code: 'denied', message: pausedMessage(name) };
    const available = await cipherAvailable(cipher);
    views.setEncryptionAvailable(available);
    if (!available) {
      return { ok: false, code: 'locked', message: 'KeyBridge cannot decrypt keys right now: the system keychain is not available. Unlock it and try again.' };
    }
    let key: string | null;
    try {
      key = await keys.open(profile);
    } catch (error) {
      if (error instanceof KeychainBusyError) return { ok: false, code: 'locked', message: error.message };
      throw error;
    }
    if (key === null) {
      return { ok: false, code: 'locked', message: `The key for '${name}' can no longer be decrypted (the system keychain changed). Re-enter it in KeyBridge.` };
    }
    const current = records.lookup(name);
    // Rotated, paused or removed while decrypting: answer for the profile as it is now.
    if (!current || current.key.fingerprint !== profile.key.fingerprint || current.paused) return credentialsFor(name, options);
    if (options.record !== false) recordUse(name);
    const network = networkFor(settings);
    return { ok: true, credentials: { endpoint: current.endpoint, auth: current.auth, key, keyId: current.key.fingerprint, ...(network ? { network } : {}) } };
  };

  const recordUse = (name: string) => {
    try {
      records.change(name, (p) => ({ ...p, lastUsedAt: isoNow(clock) }));
      views.changed();
    } catch (error) {
      // Recording "last used" is bookkeeping: a session still starts on a full disk.
      problems.raise('warning', error instanceof Error ? error.message : String(error));
    }
  };

  return credentialsFor;
}

/** The user's proxy and CA settings, or undefined when there are none. */
function networkFor(settings: SettingsService): NetworkSettings | undefined {
  const { proxy, noProxy, extraCaCerts } = settings.get().network;
  const network: NetworkSettings = {};
  if (proxy) network.proxy = proxy;
  if (noProxy) network.noProxy = noProxy;
  if (extraCaCerts) network.extraCaCerts = extraCaCerts;
  return Object.keys(network).length > 0 ? network : undefined;
}
