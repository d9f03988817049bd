// The "grace window ending" reminder, with a manual clock.
import { describe, expect, it } from 'vitest';
import type { ProfileView } from '../../../src-shared/profile';
import { createGraceReminders, GRACE_WARNING_MS } from '../../../src-main/app/grace-reminders';
import type { Clock } from '../../../src-main/vault';

function manualClock(start: number) {
  let now = start;
  let id = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (run, ms) => {
      timers.set(++id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  };
  return {
    clock,
    pending: () => timers.size,
    advance(ms: number) {
      now += ms;
      for (const [key, t] of [...timers]) {
        if (t.at > now) continue;
        timers.delete(key);
        t.run();
      }
    },
  };
}

const START = Date.parse('2026-11-23T10:00:00.000Z');
const inGrace = (name: string, endsAt: number | null): ProfileView => ({
  name,
  vendor: 'uptimemonitoring',
  endpoint: 'https://mcp.example.test/mcp',
  auth: 'bearer',
  keyPrefix: null,
  note: '',
  key: { masked: 'umk_live_…new1', fingerprint: 'sha256:11111111' },
  state: 'ok',
  paused: false,
  lastCheck: null,
  addedAt: '',
  lastVerifiedAt: null,
  lastUsedAt: null,
  previous: endsAt === null ? null : { masked: 'umk_live_…old1', fingerprint: 'sha256:22222222', fate: 'grace', graceEndsAt: new Date(endsAt).toISOString(), rotatedAt: '' },
  warnings: [],
});

describe('grace reminders', () => {
  it('reminds a minute before the grace window ends, once', () => {
    const { clock, advance } = manualClock(START);
    const reminded: string[] = [];
    const reminders = createGraceReminders(clock, (p, end) => reminded.push(`${p.name} ${end.toISOString()}`));
    const profile = inGrace('um', START + 5 * 60_000);
    reminders.plan([profile]);
    reminders.plan([profile]);
    advance(5 * 60_000 - GRACE_WARNING_MS - 1);
    expect(reminded).toEqual([]);
    advance(1);
    expect(reminded).toEqual([`um ${new Date(START + 5 * 60_000).toISOString()}`]);
    advance(10 * 60_000);
    expect(reminded).toHaveLength(1);
  });

  it('cancels when the previous key goes (rollback, expiry) and on stop', () => {
    const { clock, advance, pending } = manualClock(START);
    const reminded: string[] = [];
    const reminders = createGraceReminders(clock, (p) => reminded.push(p.name));
    reminders.plan([inGrace('a', START + 5 * 60_000), inGrace('b', START + 5 * 60_000)]);
    expect(pending()).toBe(2);
    reminders.plan([inGrace('a', null), inGrace('b', START + 5 * 60_000)]);
    expect(pending()).toBe(1);
    reminders.stop();
    expect(pending()).toBe(0);
    advance(10 * 60_000);
    expect(reminded).toEqual([]);
  });
});
