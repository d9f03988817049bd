// The live view of connected bridges, per profile and client, that the tray and the UI
// subscribe to. Changes are announced once per turn of the event loop, so fifty bridges
// reporting at once rebuild the tray menu once, not fifty times.
import type { SessionView } from '../../src-shared/ipc-contract';
import { createListeners, type Unsubscribe } from '../../src-shared/listeners';

export interface SessionRegistry {
  set(session: SessionView): void;
  delete(id: string): void;
  list(): SessionView[];
  subscribe(listener: (sessions: SessionView[]) => void): Unsubscribe;
}

export function createSessionRegistry(): SessionRegistry {
  const sessions = new Map<string, SessionView>();
  const changed = createListeners<SessionView[]>();
  let pending: NodeJS.Immediate | null = null;
  const list = () => [...sessions.values()].map((s) => structuredClone(s));
  const announce = () => {
    pending ??= setImmediate(() => {
      pending = null;
      changed.emit(list());
    });
  };
  return {
    set(session) {
      sessions.set(session.id, structuredClone(session));
      announce();
    },
    delete(id) {
      if (sessions.delete(id)) announce();
    },
    list,
    subscribe: changed.subscribe,
  };
}
