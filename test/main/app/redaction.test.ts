// What leaves the app core passes the vault's redactor (every key it has held, not only the
// vendor-shaped ones): the activity log, notices, events, and every action's answer and error.
import { describe, expect, it } from 'vitest';
import { createActivityLog } from '../../../src-main/app/activity-log';
import { createEventHub } from '../../../src-main/app/event-hub';
import { createNotices } from '../../../src-main/app/notices';
import { redactedError, redactingCore } from '../../../src-main/app/redacting-core';
import type { AppCore } from '../../../src-main/app/types';
import type { ActivityEvent, SessionView } from '../../../src-shared/ipc-contract';
import { REDACTED, keyRedactor } from '../../../src-shared/redact';

const KEY = 'sk-test-custom-core-7788';
const keys = keyRedactor();
keys.add(KEY);
const now = () => new Date('2026-11-23T10:00:00.000Z');

describe('redaction in the app core', () => {
  it('the activity log and notices store messages redacted with the keys given', () => {
    const seen: ActivityEvent[] = [];
    const log = createActivityLog(now, (event) => seen.push(event), keys.redact);
    log.record('error', 'p', `the server said: no account has ${KEY}`);
    expect(log.list()[0]?.message).toBe(`the server said: no account has ${REDACTED}`);
    expect(seen[0]?.message).not.toContain(KEY);

    const notices = createNotices(now, () => undefined, keys.redact);
    expect(notices.raise('error', `failing: ${KEY}`).message).toBe(`failing: ${REDACTED}`);
  });

  it('events reach subscribers redacted, deep inside their payload; the emitter’s object is not changed', () => {
    const hub = createEventHub(() => undefined, keys.redact);
    const got: SessionView[][] = [];
    hub.on('activity:sessions-changed', (sessions) => got.push(sessions));
    const session: SessionView = {
      id: 's1',
      profile: 'p',
      client: { name: 'Claude', pid: 1 },
      since: now().toISOString(),
      upstream: 'failing',
      requests: 1,
      errors: 1,
      lastError: { status: 500, message: `token=${KEY} failed`, at: now().toISOString() },
    };
    hub.emit('activity:sessions-changed', [session]);
    expect(got[0]?.[0]?.lastError?.message).toBe(`token=${REDACTED} failed`);
    expect(session.lastError?.message).toContain(KEY);
  });

  it('every action’s answer and error is redacted; on/start/stop pass through', async () => {
    const core = {
      profiles: {
        verify: async () => ({ ok: false, status: 401, message: `bad key ${KEY}`, at: 'now' }),
        rotate: async () => {
          throw new TypeError(`refused ${KEY}`);
        },
      },
      app: {
        navigate: () => `went ${KEY}`,
      },
      on: () => () => undefined,
    } as unknown as AppCore;
    const safe = redactingCore(core, keys.redact);
    expect(await safe.profiles.verify('p')).toEqual({ ok: false, status: 401, message: `bad key ${REDACTED}`, at: 'now' });
    const error = await safe.profiles.rotate({ name: 'p', key: { source: 'typed', key: 'x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`refused ${REDACTED}`);
    expect((error as Error).stack).not.toContain(KEY);
    expect(safe.app.navigate({ screen: 'keys', action: null, profile: null }) as unknown).toBe(`went ${REDACTED}`);
    expect(safe.on).toBe(core.on);
    expect(redactedError(`plain ${KEY}`, keys.redact).message).toBe(`plain ${REDACTED}`);
  });

  it('keyRedactor picks up keys added after it was first used', () => {
    const later = keyRedactor();
    expect(later.redact('sk-test-custom-late-1234')).toBe('sk-test-custom-late-1234');
    later.add('sk-test-custom-late-1234');
    expect(later.redact('x sk-test-custom-late-1234')).toBe(`x ${REDACTED}`);
  });
});
