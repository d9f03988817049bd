// The headless agent's log: one line per event on stderr, every line through the redactor
// with every key the agent has held (not only vendor-shaped ones).
import { redact } from '../../src-shared/redact';
import { LOG_LEVELS, type LogLevel } from '../../src-shared/log-levels';

export interface Logger {
  readonly level: LogLevel;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export function createLogger(
  level: LogLevel,
  secrets: () => Iterable<string>,
  write: (line: string) => void = (line) => process.stderr.write(line),
  now: () => Date = () => new Date(),
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at = (lineLevel: LogLevel) => (message: string) => {
    if (LOG_LEVELS.indexOf(lineLevel) > threshold) return;
    const oneLine = message.replace(/\s*[\r\n]+\s*/g, ' ');
    write(`${now().toISOString()} ${lineLevel.padEnd(5)} ${redact(oneLine, secrets())}\n`);
  };
  return { level, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
