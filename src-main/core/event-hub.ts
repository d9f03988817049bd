// A typed publish/subscribe hub for the event channels of the IPC contract. The core emits
// here; the window, the tray and the renderer's test harness subscribe.
import type { EventChannel, EventPayload } from '../../src-shared/ipc-contract';

type Listener<C extends EventChannel> = (payload: EventPayload<C>) => void;

export interface EventHub {
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  on<C extends EventChannel>(channel: C, listener: Listener<C>): () => void;
}

export function createEventHub(onListenerError: (channel: EventChannel, error: unknown) => void): EventHub {
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  return {
    emit(channel, payload) {
      for (const listener of [...(listeners.get(channel) ?? [])]) {
        // One failing subscriber must not keep the others (or the emitter) from running.
        try {
          (listener as Listener<typeof channel>)(payload);
        } catch (error) {
          onListenerError(channel, error);
        }
      }
    },
    on(channel, listener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      const entry = listener as (payload: never) => void;
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },
  };
}
