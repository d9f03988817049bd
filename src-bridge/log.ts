// Logs go to stderr only (stdout is the protocol), each line through the redactor with the
// keys this bridge holds.
import { redact } from '../src-shared/redact';
import { LOG_LEVELS, type LogLevel } from './cli';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  /** Whether debug lines are written (to skip building them on the hot path). */
  readonly debugEnabled: boolean;
}

export function createLogger(level: LogLevel, secrets: () => Iterable<string>, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at = (lvl: LogLevel) => (message: string) => {
    if (LOG_LEVELS.indexOf(lvl) > threshold) return;
    write(`keybridge-bridge ${new Date().toISOString()} ${lvl}: ${redact(message, secrets())}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), debugEnabled: threshold >= LOG_LEVELS.indexOf('debug') };
}
