// The one event primitive: a typed listener set, `subscribe(listener) => unsubscribe`. A
// throwing (or rejecting) listener is reported and never stops the others or the caller.
// `emit` tells everyone now; `settle` also waits for listeners that return a promise (the
// agent switching its sessions to a rotated key before rotate() resolves).

export type Unsubscribe = () => void;

export interface Listeners<T> {
  subscribe(listener: (value: T) => void | Promise<void>): Unsubscribe;
  emit(value: T): void;
  /** Like emit, and resolves once every listener's promise settled. */
  settle(value: T): Promise<void>;
  readonly size: number;
}

export function createListeners<T>(onError: (error: unknown) => void = () => undefined): Listeners<T> {
  const set = new Set<(value: T) => void | Promise<void>>();
  const call = (listener: (value: T) => void | Promise<void>, value: T): Promise<void> | undefined => {
    try {
      const result = listener(value);
      return result instanceof Promise ? result.catch(onError) : undefined;
    } catch (error) {
      onError(error);
      return undefined;
    }
  };
  return {
    subscribe(listener) {
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    emit(value) {
      for (const listener of [...set]) void call(listener, value);
    },
    async settle(value) {
      await Promise.all([...set].map((listener) => call(listener, value)));
    },
    get size() {
      return set.size;
    },
  };
}
