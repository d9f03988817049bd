// A typed publish/subscribe hub for the event channels of the IPC contract. The core emits
// here; the window, the tray and the renderer's test harness subscribe. Every payload passes
// `redactText` (the vault's redactor, in the app) before any subscriber sees it.
import type { EventChannel, EventPayload } from '../../src-shared/ipc-contract';
import { createListeners, type Listeners } from '../../src-shared/listeners';
import { redactDeep, type Redactor } from '../../src-shared/redact';

type Listener<C extends EventChannel> = (payload: EventPayload<C>) => void;

export interface EventHub {
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  on<C extends EventChannel>(channel: C, listener: Listener<C>): () => void;
}

export function createEventHub(onListenerError: (channel: EventChannel, error: unknown) => void, redactText?: Redactor): EventHub {
  const channels = new Map<EventChannel, Listeners<unknown>>();
  const of = (channel: EventChannel) => {
    let listeners = channels.get(channel);
    // One failing subscriber must not keep the others (or the emitter) from running.
    if (!listeners) channels.set(channel, (listeners = createListeners((error) => onListenerError(channel, error))));
    return listeners;
  };
  return {
    emit(channel, given) {
      const listeners = channels.get(channel);
      if (!listeners || listeners.size === 0) return;
      listeners.emit(redactText ? redactDeep(given, redactText) : given);
    },
    on(channel, listener) {
      return of(channel).subscribe(listener as (payload: unknown) => void);
    },
  };
}
