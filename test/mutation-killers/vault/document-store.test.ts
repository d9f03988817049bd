// The vault's document on disk (src-main/vault/document-store.ts): owner-only whether or not the
// vault writes when it opens. Issue 15: a store left 0644 by an older setup or another tool,
// already in the current format, was not tightened when the vault only read it.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDocumentStore, STORE_FILE_MODE } from '../../../src-main/vault/document-store';
import type { StoreBackend } from '../../../src-main/vault/ports';
import { confBackend, createManualClock, makeTempDir } from '../../main/vault/helpers';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeEach(async () => (temp = await makeTempDir('kb-docstore-')));
afterEach(() => temp.remove());

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the document store keeps its file owner-only', () => {
  it('a current store left 0644 is tightened to 0600 on open, though nothing is written', () => {
    const backend = confBackend(temp.dir);
    const clock = createManualClock();
    // A first open creates the file in the current format.
    const first = openDocumentStore(backend, clock);
    expect(first.movedAside).toBeNull();
    const written = readFileSync(backend.path, 'utf8');
    chmodSync(backend.path, 0o644);
    const writtenAt = statSync(backend.path).mtimeMs;

    const again = openDocumentStore(backend, clock);
    expect(again.movedAside).toBeNull();
    expect(mode(backend.path)).toBe(STORE_FILE_MODE);
    expect(STORE_FILE_MODE).toBe(0o600);
    // Opened without writing: same bytes, same time.
    expect(readFileSync(backend.path, 'utf8')).toBe(written);
    expect(statSync(backend.path).mtimeMs).toBe(writtenAt);
    expect(again.store.read()).toEqual(first.store.read());
  });

  it('every update keeps the file 0600, even after something widened it', () => {
    const backend = confBackend(temp.dir);
    const opened = openDocumentStore(backend, createManualClock());
    chmodSync(backend.path, 0o666);
    const next = opened.store.update((doc) => ({ ...doc, decisions: [] }));
    expect(mode(backend.path)).toBe(0o600);
    expect(opened.store.read()).toBe(next);
  });
});

describe('a store that cannot be used is moved aside, named for when', () => {
  const CORRUPT = '.corrupt-2026-11-23T10-00-00-000Z';

  it('a file that is not JSON: kept byte for byte under a name with the time, the vault starts clean', () => {
    const backend = confBackend(temp.dir);
    writeFileSync(backend.path, '{"version": 1, "profi');
    const opened = openDocumentStore(backend, createManualClock());
    expect(opened.movedAside).toEqual({ to: `${backend.path}${CORRUPT}`, reason: 'it is not valid JSON' });
    expect(readFileSync(`${backend.path}${CORRUPT}`, 'utf8')).toBe('{"version": 1, "profi');
    expect(opened.store.read().profiles).toEqual([]);
    expect(JSON.parse(readFileSync(backend.path, 'utf8'))).toMatchObject({ version: 1, profiles: [] });
    expect(mode(backend.path)).toBe(0o600);
  });

  it('a folder where the file should be: it could not be read (EISDIR), moved aside all the same', () => {
    const backend = confBackend(temp.dir);
    mkdirSync(backend.path);
    const opened = openDocumentStore(backend, createManualClock());
    expect(opened.movedAside).toEqual({ to: `${backend.path}${CORRUPT}`, reason: 'it could not be read (EISDIR)' });
    expect(statSync(`${backend.path}${CORRUPT}`).isDirectory()).toBe(true);
    expect(statSync(backend.path).isFile()).toBe(true);
  });

  it('a store that fails to open with no file there: nothing to move, said as it was thrown', () => {
    const real = confBackend(temp.dir);
    let opens = 0;
    // The first open fails before any file exists (a store that throws a bare value).
    const backend: StoreBackend = {
      path: real.path,
      open: () => {
        if (opens++ === 0) throw 'the store is locked by another process';
        return real.open();
      },
    };
    const opened = openDocumentStore(backend, createManualClock());
    expect(opened.movedAside).toEqual({ to: `${real.path}${CORRUPT}`, reason: 'the store is locked by another process' });
    expect(readdirSync(temp.dir)).toEqual(['keybridge-vault.json']);
  });
});
