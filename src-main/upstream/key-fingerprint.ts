// How a key is named where it cannot be shown: `sha256:` + the first 8 hex digits of its SHA-256.
// The vault, the agent's sessions, the headless agent and migration compare keys by it.
import { createHash } from 'node:crypto';

export function keyFingerprint(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 8)}`;
}
