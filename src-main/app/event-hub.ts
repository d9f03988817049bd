// A typed publish/subscribe hub for the event channels of the IPC contract. The core emits
// here; the window, the tray and the renderer's test harness subscribe. Every payload passes
// `redactText` (the vault's redactor, in the app) before any subscriber sees it.
import type { EventChannel, EventPayload } from '../../src-shared/ipc-contract';
import { redactDeep, type Redactor } from '../../src-shared/redact';

type Listener<C extends EventChannel> = (payload: EventPayload<C>) => void;

export interface EventHub {
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  on<C extends EventChannel>(channel: C, listener: Listener<C>): () => void;
}

export function createEventHub(onListenerError: (channel: EventChannel, error: unknown) => void, redactText?: Redactor): EventHub {
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  return {
    emit(channel, given) {
      const subscribers = [...(listeners.get(channel) ?? [])];
      if (subscribers.length === 0) return;
      const payload = redactText ? redactDeep(given, redactText) : given;
      for (const listener of subscribers) {
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
