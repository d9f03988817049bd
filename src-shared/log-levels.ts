// The log levels every part of KeyBridge uses (the bridge's --log-level, the headless agent's,
// Settings → Log level), most severe first.
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
