// Recent events, redacted by main before they reach the page.
import { formatClock } from '../format';
import type { ActivityEvent } from '../../src-shared/ipc-contract';

export function EventLog({ events }: { events: readonly ActivityEvent[] }) {
  return (
    <ol className="event-log" aria-label="Recent events">
      {events.map((event, index) => (
        <li key={`${event.at}-${index}`} className={`event event-${event.level}`}>
          <time dateTime={event.at}>{formatClock(event.at)}</time>
          {event.profile && <code>{event.profile}</code>}
          <span>{event.message}</span>
        </li>
      ))}
    </ol>
  );
}
