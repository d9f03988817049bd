// The app's log on disk (what Settings → "Open logs" shows): one line per entry, already
// redacted by the caller, appended; past 1 MiB the file moves to `<name>.1` (one generation kept),
// so it never grows without bound. Created owner-only: it can name files and assistants.
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';

export const LOG_FILE_MAX_BYTES = 1024 * 1024;

export interface LogFile {
  readonly path: string;
  write(level: string, message: string): void;
}

export function openLogFile(file: string, now: () => Date = () => new Date(), maxBytes = LOG_FILE_MAX_BYTES): LogFile {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  return {
    path: file,
    write(level, message) {
      try {
        if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > maxBytes) renameSync(file, `${file}.1`);
        appendFileSync(file, `${now().toISOString()} ${level} ${message.replace(/\r?\n/g, ' ⏎ ')}\n`, { mode: 0o600 });
      } catch {
        // A log that cannot be written must not take the app down; stderr still has it.
      }
    },
  };
}
