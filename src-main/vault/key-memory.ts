// Every plain key the vault has held in this process (added, rotated, decrypted, the kept
// previous keys; removed ones too), in memory only, to redact whatever leaves the vault's
// owner: the activity log, notifications, IPC answers, a probe's answer.
import { keyRedactor, redactDeep, type Redactor } from '../../src-shared/redact';

export interface KeyMemory {
  /** Keeps `key` to redact with; returns it. */
  remember(key: string): string;
  /** `text` with every remembered key redacted, besides the vendor-shaped ones. */
  redact: Redactor;
  /** `value` with every string in it redacted: a server may echo the key it was sent in an
   * error body (or anywhere), and a probe's answer is stored, shown and returned. */
  redactDeep<T>(value: T): T;
}

export function createKeyMemory(): KeyMemory {
  const keys = keyRedactor();
  return {
    remember(key) {
      keys.add(key);
      return key;
    },
    redact: keys.redact,
    redactDeep: (value) => redactDeep(value, keys.redact),
  };
}
