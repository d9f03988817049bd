// The app's settings and the user's remembered client decisions, kept in the vault's
// document. Every patch is parsed with zod; every change is announced.
import { settingsSchema, type Decision, type Settings } from '../../src-shared/ipc-contract';
import type { DocumentStore } from './document-store';
import { createListeners, type Unsubscribe } from '../../src-shared/listeners';
import { isoNow, type Clock } from './ports';

export interface SettingsService {
  get(): Settings;
  /** Merges and validates `patch`; `network` is replaced as a whole when given. */
  update(patch: Partial<Settings>): Settings;
  subscribe(listener: (settings: Settings) => void): Unsubscribe;
  decisions: {
    list(): Decision[];
    /** The remembered answer for this client and profile, if any. */
    find(client: string, profile: string): Decision['decision'] | null;
    remember(client: string, profile: string, decision: Decision['decision']): void;
    /** Forgets the answer, so the next request asks again. */
    forget(client: string, profile: string): void;
    subscribe(listener: (decisions: Decision[]) => void): Unsubscribe;
  };
}

export function createSettingsService(store: DocumentStore, clock: Clock): SettingsService {
  const settingsChanged = createListeners<Settings>();
  const decisionsChanged = createListeners<Decision[]>();
  const current = (): Settings => structuredClone(store.read().settings);
  const sameDecision = (client: string, profile: string) => (d: Decision) => d.client === client && d.profile === profile;

  return {
    get: current,
    update(patch) {
      const next = settingsSchema.parse({ ...current(), ...patch });
      store.update((doc) => ({ ...doc, settings: next }));
      settingsChanged.emit(current());
      return current();
    },
    subscribe: settingsChanged.subscribe,
    decisions: {
      list: () => structuredClone(store.read().decisions),
      find: (client, profile) => store.read().decisions.find(sameDecision(client, profile))?.decision ?? null,
      remember(client, profile, decision) {
        const entry: Decision = { client, profile, decision, at: isoNow(clock) };
        store.update((doc) => ({ ...doc, decisions: [...doc.decisions.filter((d) => !sameDecision(client, profile)(d)), entry] }));
        decisionsChanged.emit(structuredClone(store.read().decisions));
      },
      forget(client, profile) {
        store.update((doc) => ({ ...doc, decisions: doc.decisions.filter((d) => !sameDecision(client, profile)(d)) }));
        decisionsChanged.emit(structuredClone(store.read().decisions));
      },
      subscribe: decisionsChanged.subscribe,
    },
  };
}
