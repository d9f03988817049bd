// One user action at a time (a button that calls main): `busy` while it runs, and main's
// message in `error` when it fails, for the screen to show next to the button.
import { useState } from 'react';
import { messageOf } from '../api';

export interface Action {
  busy: boolean;
  error: string | null;
  /** Shows a message of the caller's own (or clears it with null). */
  setError: (message: string | null) => void;
  /** Runs `action`, clearing the last error first. */
  run: (action: () => Promise<unknown>) => Promise<void>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (actionError) {
      setError(messageOf(actionError));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
