// A tiny typed listener set: `subscribe(listener) => unsubscribe`. A throwing listener is
// reported and never stops the others or the caller.

export type Unsubscribe = () => void;

export interface Listeners<T> {
  subscribe(listener: (value: T) => void): Unsubscribe;
  emit(value: T): void;
}

export function createListeners<T>(onError: (error: unknown) => void = () => undefined): Listeners<T> {
  const set = new Set<(value: T) => void>();
  return {
    subscribe(listener) {
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    emit(value) {
      for (const listener of [...set]) {
        try {
          listener(value);
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}
