// Verifying keys: a real MCP initialize (+ tools/list) against the endpoint with the key, the
// answer redacted with every key seen, and the outcome recorded on the profile.
import type { ProbeResult } from '../../src-shared/profile';
import type { Probe } from '../upstream/probe';
import type { VaultParts } from './parts';
import { isoNow } from './ports';
import type { StoredProfile } from './stored-schema';
import { VaultError } from './vault-error';

export interface KeyVerifier {
  /** Probes with `key` (remembered for redaction); the answer is redacted. */
  probe(profile: Pick<StoredProfile, 'name' | 'endpoint' | 'auth'>, key: string): Promise<ProbeResult>;
  /** Probes the active key and records the outcome. */
  verify(name: string): Promise<ProbeResult>;
  /** Every profile; one that cannot be probed is a failed result with the reason. */
  verifyAll(): Promise<{ profile: string; result: ProbeResult }[]>;
}

export type KeyVerifierParts = Pick<VaultParts, 'clock' | 'records' | 'views' | 'keys' | 'memory' | 'settings'> & {
  probe: Probe;
  probeTimeoutMs?: number;
};

export function createKeyVerifier(parts: KeyVerifierParts): KeyVerifier {
  const { clock, records, views, keys, memory, settings } = parts;

  const probe = async (profile: Pick<StoredProfile, 'name' | 'endpoint' | 'auth'>, key: string) => {
    memory.remember(key);
    const target = { profile: profile.name, endpoint: profile.endpoint, auth: profile.auth, key };
    const result = await parts.probe(target, { timeoutMs: parts.probeTimeoutMs, network: settings.get().network });
    return memory.redactDeep(result);
  };

  const verify = async (name: string) => {
    const profile = records.find(name);
    const key = await keys.open(profile);
    if (key === null) throw new VaultError(`The key for '${name}' can no longer be decrypted. Rotate the key to enter it again.`);
    const result = await probe(profile, key);
    try {
      records.change(name, (p) => ({ ...p, lastCheck: result, lastVerifiedAt: result.at }), profile.key.fingerprint);
      views.changed();
    } catch (error) {
      // Removed or rotated while probing: the result describes a key that is gone.
      if (!(error instanceof VaultError)) throw error;
    }
    return result;
  };

  return {
    probe,
    verify,
    verifyAll: () =>
      Promise.all(
        records.all().map(async (p) => {
          try {
            return { profile: p.name, result: await verify(p.name) };
          } catch (error) {
            const message = memory.redact(error instanceof Error ? error.message : String(error));
            return { profile: p.name, result: { ok: false as const, status: null, message, at: isoNow(clock) } };
          }
        }),
      ),
  };
}
