// Temp folders and profiles files for the headless agent's tests. Keys are obviously fake.
import { chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KEY_A = 'uo_test_headless_aaaaaaaaaaaaaaaa';
export const KEY_B = 'umk_live_test_headless_bbbbbbbbbbbb';
/** A custom key with no vendor prefix: only redaction by the actual key hides it. */
export const KEY_CUSTOM = 'custom-test-key-5c8e1f0d9a7b6c4e';

export interface TempDir {
  dir: string;
  remove(): void;
}

export function makeTempDir(prefix = 'kb-headless-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ProfileSpec {
  endpoint: string;
  auth: 'x-api-key' | 'bearer';
  key: string;
}

export function profilesJson(profiles: Record<string, ProfileSpec>, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ profiles, ...extra }, null, 2)}\n`;
}

/** Writes the file in place (same inode), mode 0600 unless told. */
export function writeProfiles(path: string, text: string, mode = 0o600): void {
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

/** Replaces the file as an editor's atomic save does: a new inode renamed over the old one. */
export function replaceProfiles(path: string, text: string, mode = 0o600): void {
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeProfiles(temp, text, mode);
  renameSync(temp, path);
}
