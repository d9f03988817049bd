// The logger upstream sessions write to (the agent passes one that redacts with the keys it
// holds and goes to the tray's log or the headless agent's stderr).
export interface UpstreamLog {
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  /** Whether debug lines are kept (to skip building them on the hot path). */
  readonly debugEnabled: boolean;
}

export const silentLog: UpstreamLog = { warn: () => undefined, info: () => undefined, debug: () => undefined, debugEnabled: false };
