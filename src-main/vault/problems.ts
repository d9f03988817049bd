// Problems the vault found while opening or serving (a corrupt store moved aside, a key that
// no longer decrypts, a failed bookkeeping write): kept for whoever asks later, and announced.
import { createListeners, type Unsubscribe } from '../../src-shared/listeners';
import { isoNow, type Clock } from './ports';

export interface VaultProblem {
  level: 'warning' | 'error';
  message: string;
  at: string;
  /** The file the problem is about (a store moved aside), for "Show the old file". */
  file?: string;
}

export interface Problems {
  raise(level: VaultProblem['level'], message: string, file?: string): void;
  list(): VaultProblem[];
  subscribe(listener: (problem: VaultProblem) => void): Unsubscribe;
}

export function createProblems(clock: Clock): Problems {
  const problems: VaultProblem[] = [];
  const raised = createListeners<VaultProblem>();
  return {
    raise(level, message, file) {
      const problem: VaultProblem = { level, message, at: isoNow(clock), ...(file ? { file } : {}) };
      problems.push(problem);
      raised.emit(problem);
    },
    list: () => [...problems],
    subscribe: raised.subscribe,
  };
}
