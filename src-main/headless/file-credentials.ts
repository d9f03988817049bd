// The headless agent's CredentialSource: the profiles of the last valid read of the profiles
// file. `apply` swaps in a newer read and tells the agent what changed, so that sessions in
// progress take a changed key or endpoint from their next request and a removed profile's
// sessions answer with an error.
import type { CredentialSource, CredentialsLookup, KeyEvent, KeyEventListener } from '../agent/credential-source';
import type { UpstreamCredentials } from '../upstream/credentials';
import { keyFingerprint } from '../upstream/key-fingerprint';
import type { ProfileEntry, ProfilesFile } from './profiles-file';
import { createListeners } from '../../src-shared/listeners';

export interface ProfilesChange {
  added: string[];
  changed: string[];
  removed: string[];
}

export interface FileCredentials extends CredentialSource {
  /** Profile names, as of the last valid read. */
  names(): string[];
  /** Takes a newer valid read of the file; resolves once every listener has handled the
   * events (so sessions already use the new key). */
  apply(file: ProfilesFile): Promise<ProfilesChange>;
  /** Every key this process has held, current or replaced, and proxy passwords: what the
   * logs must redact. */
  secrets(): ReadonlySet<string>;
}

/** `filePath` is only named in messages. */
export function createFileCredentials(filePath: string, initial: ProfilesFile): FileCredentials {
  let current = toCredentials(initial);
  const seen = new Set<string>();
  const remember = (file: ProfilesFile, credentials: Map<string, UpstreamCredentials>) => {
    for (const c of credentials.values()) seen.add(c.key);
    for (const secret of proxySecrets(file.network?.proxy)) seen.add(secret);
  };
  remember(initial, current);
  // One listener that throws must not keep the others from hearing of a removed key.
  const listeners = createListeners<KeyEvent>();
  const emit = (event: KeyEvent) => listeners.settle(event);

  return {
    has: (profile) => current.has(profile),

    async credentialsFor(profile): Promise<CredentialsLookup> {
      const credentials = current.get(profile);
      if (!credentials) return { ok: false, code: 'unknown-profile', message: `No profile named '${profile}' in ${filePath}.` };
      return { ok: true, credentials: { ...credentials, ...(credentials.network ? { network: { ...credentials.network } } : {}) } };
    },

    onKeyEvent: (listener: KeyEventListener) => listeners.subscribe(listener),

    names: () => [...current.keys()],

    async apply(file) {
      const next = toCredentials(file);
      remember(file, next);
      const before = current;
      current = next;
      const change: ProfilesChange = { added: [], changed: [], removed: [] };
      for (const [name, was] of before) {
        const now = next.get(name);
        if (!now) change.removed.push(name);
        else if (!sameCredentials(was, now)) change.changed.push(name);
      }
      for (const name of next.keys()) if (!before.has(name)) change.added.push(name);
      await Promise.all([
        ...change.removed.map((profile) => emit({ type: 'revoked', profile, message: `The profile '${profile}' was removed from ${filePath}.` })),
        ...change.changed.map((profile) => emit({ type: 'credentials', profile })),
      ]);
      return change;
    },

    secrets: () => seen,
  };
}

/** A proxy URL's password (as written and decoded): a secret for the logs too. */
function proxySecrets(proxy: string | undefined): string[] {
  if (!proxy) return [];
  try {
    const { password } = new URL(proxy);
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}

function toCredentials(file: ProfilesFile): Map<string, UpstreamCredentials> {
  const out = new Map<string, UpstreamCredentials>();
  for (const [name, entry] of file.profiles) out.set(name, credentialsOf(entry, file));
  return out;
}

function credentialsOf(entry: ProfileEntry, file: ProfilesFile): UpstreamCredentials {
  const network = file.network && Object.values(file.network).some((v) => v !== undefined) ? { ...file.network } : undefined;
  return {
    endpoint: entry.endpoint,
    auth: entry.auth,
    key: entry.key,
    keyId: keyFingerprint(entry.key),
    ...(network ? { network } : {}),
  };
}

function sameCredentials(a: UpstreamCredentials, b: UpstreamCredentials): boolean {
  return (
    a.key === b.key &&
    a.endpoint === b.endpoint &&
    a.auth === b.auth &&
    (a.network?.proxy ?? null) === (b.network?.proxy ?? null) &&
    (a.network?.noProxy ?? null) === (b.network?.noProxy ?? null) &&
    (a.network?.extraCaCerts ?? null) === (b.network?.extraCaCerts ?? null)
  );
}
