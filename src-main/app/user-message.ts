// What the user is told when an action fails: a UserError's own words, written for them; for
// anything else (a bug), a plain sentence, while the error and its stack go to the log.
import { INTERNAL_ERROR_MESSAGE, UserError } from '../../src-shared/user-error';

export function userMessage(error: unknown, logBug: (detail: string) => void): string {
  if (error instanceof UserError) return error.message;
  logBug(error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error));
  return INTERNAL_ERROR_MESSAGE;
}
