// Opens the vault's document and keeps it in memory; every change is written whole through
// the store (atomic rename in conf/electron-store) and the file is kept owner-only.
// An unreadable or invalid file is never wiped: it is renamed aside with a timestamp, the
// vault starts clean, and the caller reports the problem.
import { chmodSync, existsSync, renameSync } from 'node:fs';
import type { Clock, KeyValueStore, StoreBackend } from './ports';
import { emptyDocument, migrateAndParse, type StoredDocument } from './stored-schema';
import { storeWriteError } from './vault-error';

export const STORE_FILE_MODE = 0o600;

export interface DocumentStore {
  read(): StoredDocument;
  /** Applies `change` to a copy of the document and writes the result. */
  update(change: (doc: StoredDocument) => StoredDocument): StoredDocument;
}

export interface OpenedDocument {
  store: DocumentStore;
  /** Set when the file could not be used and was moved aside. */
  movedAside: { to: string; reason: string } | null;
}

export function openDocumentStore(backend: StoreBackend, clock: Clock): OpenedDocument {
  let movedAside: OpenedDocument['movedAside'] = null;
  let kv: KeyValueStore;
  let document: StoredDocument;
  let needsWrite: boolean;
  try {
    kv = backend.open();
    ({ document, migrated: needsWrite } = migrateAndParse(kv.store));
  } catch (error) {
    const to = `${backend.path}.corrupt-${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}`;
    if (existsSync(backend.path)) renameSync(backend.path, to);
    movedAside = { to, reason: describeOpenError(error) };
    kv = backend.open();
    document = emptyDocument();
    needsWrite = true;
  }

  const write = (next: StoredDocument) => {
    try {
      kv.store = structuredClone(next) as unknown as Record<string, unknown>;
      // conf/electron-store honour configFileMode, but a file written by an older setup or
      // another tool may be wider: enforce owner-only on every write.
      chmodSync(backend.path, STORE_FILE_MODE);
    } catch (error) {
      throw storeWriteError(error, backend.path);
    }
  };
  // A document that needs no write was read from the file (a missing file opens as an empty,
  // unversioned store, which is migrated and written): tighten that file.
  if (needsWrite) write(document);
  else chmodSync(backend.path, STORE_FILE_MODE);

  return {
    movedAside,
    store: {
      read: () => document,
      update(change) {
        const next = change(structuredClone(document));
        write(next);
        document = next;
        return document;
      },
    },
  };
}

function describeOpenError(error: unknown): string {
  if (error instanceof SyntaxError) return 'it is not valid JSON';
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `it could not be read (${code})` : error.message;
  }
  return String(error);
}
