// Grace windows (UptimeMonitoring): after a rotation the old key stays valid at the vendor
// for a while, and the vault keeps it, encrypted, until the window ends; then it forgets it.
// A window that ended while KeyBridge was closed is closed at once on opening.
import type { VaultParts } from './parts';
import type { TimerHandle } from './ports';
import type { StoredProfile } from './stored-schema';

export interface GraceTimers {
  /** (Re)starts the timer for the profile's kept key, if it has a grace window. */
  schedule(profile: StoredProfile): void;
  cancel(name: string): void;
  /** Stops every timer (the vault closes). */
  stop(): void;
}

export function createGraceTimers({ clock, records, views }: Pick<VaultParts, 'clock' | 'records' | 'views'>): GraceTimers {
  const timers = new Map<string, TimerHandle>();
  const cancel = (name: string) => {
    const timer = timers.get(name);
    if (timer !== undefined) clock.clearTimeout(timer);
    timers.delete(name);
  };
  return {
    schedule(profile) {
      cancel(profile.name);
      const previous = profile.previous;
      if (previous?.fate !== 'grace' || !previous.graceEndsAt) return;
      const endsAt = Date.parse(previous.graceEndsAt);
      const wipe = () => {
        timers.delete(profile.name);
        // Rotated again or rolled back meanwhile: that window is not this one.
        if (records.lookup(profile.name)?.previous?.graceEndsAt !== previous.graceEndsAt) return;
        records.change(profile.name, (p) => ({ ...p, previous: null }));
        views.changed();
      };
      if (endsAt <= clock.now()) wipe();
      else timers.set(profile.name, clock.setTimeout(wipe, endsAt - clock.now()));
    },
    cancel,
    stop() {
      for (const name of [...timers.keys()]) cancel(name);
    },
  };
}
