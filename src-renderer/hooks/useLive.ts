// A list (or value) loaded from main and kept fresh by main's change events.
import { useCallback, useEffect, useState } from 'react';
import type { InvokeResult } from '../../src-shared/ipc-contract';

export type Live<T> =
  | { status: 'loading'; data: null; error: null }
  | { status: 'error'; data: T | null; error: string }
  | { status: 'ready'; data: T; error: null };

export function useLive<T>(
  load: () => Promise<InvokeResult<T>>,
  subscribe?: (listener: (value: T) => void) => () => void,
): Live<T> & { reload: () => Promise<void> } {
  const [state, setState] = useState<Live<T>>({ status: 'loading', data: null, error: null });

  const reload = useCallback(async () => {
    try {
      const result = await load();
      if (result.ok) setState({ status: 'ready', data: result.value, error: null });
      else setState((previous) => ({ status: 'error', data: previous.data, error: result.error }));
    } catch (error) {
      setState((previous) => ({ status: 'error', data: previous.data, error: error instanceof Error ? error.message : String(error) }));
    }
  }, [load]);

  useEffect(() => {
    void reload();
    if (!subscribe) return undefined;
    return subscribe((value) => setState({ status: 'ready', data: value, error: null }));
  }, [reload, subscribe]);

  return { ...state, reload };
}
