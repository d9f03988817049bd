// The recent event log the Activity screen shows: bounded, newest last, every message redacted
// (the app passes the vault's redactor: every key it has held, not only vendor-shaped ones).
import type { ActivityEvent } from '../../src-shared/ipc-contract';
import { redact, type Redactor } from '../../src-shared/redact';

export const ACTIVITY_LOG_SIZE = 200;

export interface ActivityLog {
  list(): ActivityEvent[];
  record(level: ActivityEvent['level'], profile: string | null, message: string): ActivityEvent;
}

export function createActivityLog(now: () => Date, onEvent: (event: ActivityEvent) => void, redactText: Redactor = (text) => redact(text)): ActivityLog {
  const events: ActivityEvent[] = [];
  return {
    list: () => [...events],
    record(level, profile, message) {
      const event: ActivityEvent = { at: now().toISOString(), level, profile, message: redactText(message) };
      events.push(event);
      if (events.length > ACTIVITY_LOG_SIZE) events.splice(0, events.length - ACTIVITY_LOG_SIZE);
      onEvent(event);
      return event;
    },
  };
}
