// Notices the UI shows until the user dismisses them (a corrupt store moved aside, a key that
// needs re-entry, …). In memory: each start raises what is still true. Messages are redacted
// (the app passes the vault's redactor: every key it has held).
import { randomUUID } from 'node:crypto';
import type { Notice } from '../../src-shared/ipc-contract';
import { redact, type Redactor } from '../../src-shared/redact';
import { UserError } from '../../src-shared/user-error';

export interface Notices {
  list(): Notice[];
  /** Adds a notice unless one with the same message is showing; returns it. With `file`, the
   * notice offers to show that file (its action). */
  raise(level: Notice['level'], message: string, file?: string): Notice;
  dismiss(id: string): void;
  /** The file a notice is about, for its show-file action; throws when there is none. */
  fileOf(id: string): string;
}

export function createNotices(now: () => Date, onChange: (notices: Notice[]) => void, redactText: Redactor = (text) => redact(text)): Notices {
  let notices: Notice[] = [];
  /** Notice id → the file it is about; kept here, the window only sees the action. */
  const files = new Map<string, string>();
  return {
    list: () => [...notices],
    raise(level, message, file) {
      const text = redactText(message);
      const existing = notices.find((n) => n.message === text);
      if (existing) return existing;
      const notice: Notice = { id: randomUUID(), level, message: text, at: now().toISOString(), action: file ? 'show-file' : null };
      if (file) files.set(notice.id, file);
      notices = [...notices, notice];
      onChange(notices);
      return notice;
    },
    dismiss(id) {
      const next = notices.filter((n) => n.id !== id);
      if (next.length === notices.length) throw new UserError('That notice is no longer shown.');
      notices = next;
      files.delete(id);
      onChange(notices);
    },
    fileOf(id) {
      const file = files.get(id);
      if (!file) throw new UserError('That notice has no file to show.');
      return file;
    },
  };
}
