// "The old key stops working in a minute": one timer per profile whose previous key is in a
// vendor grace window (UptimeMonitoring: 5 minutes), re-planned whenever the profiles change.
import type { ProfileView } from '../../src-shared/profile';
import type { Clock, TimerHandle } from '../vault/ports';

export const GRACE_WARNING_MS = 60_000;

export interface GraceReminders {
  plan(profiles: ProfileView[]): void;
  stop(): void;
}

export function createGraceReminders(clock: Clock, remind: (profile: ProfileView, endsAt: Date) => void): GraceReminders {
  const timers = new Map<string, { endsAt: string; handle: TimerHandle }>();
  const clear = (name: string) => {
    const timer = timers.get(name);
    if (timer) clock.clearTimeout(timer.handle);
    timers.delete(name);
  };
  return {
    plan(profiles) {
      const inGrace = new Map(profiles.filter((p) => p.previous?.fate === 'grace' && p.previous.graceEndsAt).map((p) => [p.name, p]));
      for (const name of [...timers.keys()]) if (!inGrace.has(name)) clear(name);
      for (const [name, profile] of inGrace) {
        const endsAt = profile.previous?.graceEndsAt ?? '';
        if (timers.get(name)?.endsAt === endsAt) continue;
        clear(name);
        const end = Date.parse(endsAt);
        if (!(end > clock.now())) continue;
        const delay = Math.max(0, end - GRACE_WARNING_MS - clock.now());
        timers.set(name, { endsAt, handle: clock.setTimeout(() => remind(profile, new Date(end)), delay) });
      }
    },
    stop() {
      for (const name of [...timers.keys()]) clear(name);
    },
  };
}
