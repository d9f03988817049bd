// Logs go to stderr only (stdout is the protocol), each line through the redactor. The bridge
// holds no key; the redactor still catches key-shaped text a message might carry.
import { redact } from '../src-shared/redact';
import { LOG_LEVELS, type LogLevel } from '../src-shared/log-levels';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at = (lvl: LogLevel) => (message: string) => {
    if (LOG_LEVELS.indexOf(lvl) > threshold) return;
    write(`keybridge-bridge ${new Date().toISOString()} ${lvl}: ${redact(message)}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
