import { UserError } from '../../src-shared/user-error';
/** An error whose message is meant for the user as it is. */
export class VaultError extends UserError {}

const WRITE_PROBLEMS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EACCES: 'KeyBridge has no permission to write there',
  EPERM: 'KeyBridge has no permission to write there',
};

/** Turns a failed write of the vault file into a VaultError that says why and that nothing changed. */
export function storeWriteError(error: unknown, path: string): VaultError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = (code && WRITE_PROBLEMS[code]) ?? `the file could not be written (${code ?? String(error)})`;
  return new VaultError(`KeyBridge could not save its profiles to ${path}: ${why}. Nothing was changed; free some space or fix the folder and try again.`);
}
