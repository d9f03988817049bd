// Recent events (redacted by main before they reach the page): date and time, the level as a
// word with its icon (never colour alone), the key, the message — in aligned columns.
import { formatStamp } from '../format';
import type { ActivityEvent } from '../../src-shared/ipc-contract';

const LEVELS: Record<ActivityEvent['level'], { icon: string; word: string }> = {
  info: { icon: 'ℹ', word: 'Info' },
  warning: { icon: '⚠', word: 'Warning' },
  error: { icon: '✕', word: 'Error' },
};

export function EventLog({ events }: { events: readonly ActivityEvent[] }) {
  return (
    // Focusable: it scrolls, so the keyboard must be able to scroll it.
    <ol className="event-log" aria-label="Recent events" tabIndex={0}>
      {events.map((event, index) => (
        <li key={`${event.at}-${index}`} className={`event event-${event.level}`}>
          <time dateTime={event.at}>{formatStamp(event.at)}</time>
          <span className="event-level">
            <span aria-hidden="true">{LEVELS[event.level].icon}</span> {LEVELS[event.level].word}
          </span>
          <span className="event-key">{event.profile && <code>{event.profile}</code>}</span>
          <span className="event-message">{event.message}</span>
        </li>
      ))}
    </ol>
  );
}
