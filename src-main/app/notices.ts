// Notices the UI shows until the user dismisses them (a corrupt store moved aside, a key that
// needs re-entry, …). In memory: each start raises what is still true. Messages are redacted
// (the app passes the vault's redactor: every key it has held).
import { randomUUID } from 'node:crypto';
import type { Notice } from '../../src-shared/ipc-contract';
import { redact, type Redactor } from '../../src-shared/redact';
import { UserError } from '../../src-shared/user-error';

export interface Notices {
  list(): Notice[];
  /** Adds a notice unless one with the same message is showing; returns it. */
  raise(level: Notice['level'], message: string): Notice;
  dismiss(id: string): void;
}

export function createNotices(now: () => Date, onChange: (notices: Notice[]) => void, redactText: Redactor = (text) => redact(text)): Notices {
  let notices: Notice[] = [];
  return {
    list: () => [...notices],
    raise(level, message) {
      const text = redactText(message);
      const existing = notices.find((n) => n.message === text);
      if (existing) return existing;
      const notice: Notice = { id: randomUUID(), level, message: text, at: now().toISOString() };
      notices = [...notices, notice];
      onChange(notices);
      return notice;
    },
    dismiss(id) {
      const next = notices.filter((n) => n.id !== id);
      if (next.length === notices.length) throw new UserError('That notice is no longer shown.');
      notices = next;
      onChange(notices);
    },
  };
}
