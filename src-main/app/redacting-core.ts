// The last line before anything leaves the app core: every action's answer (what IPC returns
// to the window, what the tray shows and notifies) and every error's message passes the
// redactor — in the app, the vault's, which knows every key it has held in this process, so a
// custom key a server echoed somewhere deep in a result is caught even where no one redacted
// it on the way. Events are redacted in the event hub; the activity log, notices and
// notifications where they are made.
import { redactDeep, type Redactor } from '../../src-shared/redact';
import type { AppCore } from './types';

/** The action groups of AppCore (everything but on/start/stop). */
const GROUPS = ['profiles', 'clipboard', 'clients', 'migration', 'activity', 'settings', 'decisions', 'notices', 'app'] as const satisfies readonly (keyof AppCore)[];

/** `core` with each action of each group wrapped: results redacted deeply, errors' messages
 * redacted (the error itself is kept, so its class still tells callers what went wrong). */
export function redactingCore<T extends AppCore>(core: T, redactText: Redactor): T {
  const wrapped: T = { ...core };
  for (const group of GROUPS) {
    const actions = core[group] as unknown as Record<string, unknown> | undefined;
    if (!actions) continue;
    const safe: Record<string, unknown> = {};
    for (const [name, action] of Object.entries(actions)) {
      safe[name] = typeof action === 'function' ? redactingAction(action as (...args: unknown[]) => unknown, redactText) : action;
    }
    (wrapped as Record<string, unknown>)[group] = safe;
  }
  return wrapped;
}

function redactingAction(action: (...args: unknown[]) => unknown, redactText: Redactor): (...args: unknown[]) => unknown {
  return (...args) => {
    let result: unknown;
    try {
      result = action(...args);
    } catch (error) {
      throw redactedError(error, redactText);
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => redactDeep(value, redactText),
        (error: unknown) => {
          throw redactedError(error, redactText);
        },
      );
    }
    return redactDeep(result, redactText);
  };
}

/** The same error with its message (and stack) redacted; a non-Error becomes a redacted Error. */
export function redactedError(error: unknown, redactText: Redactor): Error {
  if (!(error instanceof Error)) return new Error(redactText(String(error)));
  error.message = redactText(error.message);
  if (error.stack) error.stack = redactText(error.stack);
  return error;
}
