// Activity: the assistants using keys right now and the recent events; KeyBridge's own
// housekeeping (connection tests, start-up) is hidden unless asked for.
import { useEffect, useId, useState } from 'react';
import { api } from '../api';
import { useLive, type Live } from '../hooks/useLive';
import { useNow } from '../hooks/useNow';
import type { ActivityEvent, SessionView } from '../../src-shared/ipc-contract';
import { EventLog } from './EventLog';
import { SessionsTable } from './SessionsTable';
import { EmptyState, ErrorState, Loading } from './States';

const MAX_EVENTS = 200;

/** KeyBridge's own housekeeping: connection tests, start-up, listening. */
export function isInternal(event: ActivityEvent): boolean {
  return /\(test connection\)|\btest connection\b|is listening for|listening for bridges/i.test(event.message);
}

export function ActivityScreen({ sessions }: { sessions: Live<SessionView[]> & { reload: () => Promise<void> } }) {
  const events = useLive(api().activity.events);
  const now = useNow(15_000);
  const reloadEvents = events.reload;
  const [showAll, setShowAll] = useState(false);
  const filterId = useId();

  // Main keeps the log; a new event means "read it again" (no duplicates, no gaps).
  useEffect(() => api().activity.onEvent(() => void reloadEvents()), [reloadEvents]);

  // Newest first.
  const all = [...(events.data ?? [])].reverse();
  const hidden = all.filter(isInternal).length;
  const log = (showAll ? all : all.filter((event) => !isInternal(event))).slice(0, MAX_EVENTS);

  return (
    <section className="screen" aria-labelledby="activity-title">
      <header className="screen-header">
        <h2 id="activity-title">Activity</h2>
      </header>
      <h3>Assistants using keys now</h3>
      {sessions.status === 'loading' && <Loading what="sessions" />}
      {sessions.status === 'error' && <ErrorState message={sessions.error} onRetry={() => void sessions.reload()} />}
      {sessions.data?.length === 0 && (
        <EmptyState title="No assistant is using a key right now">
          <p className="muted">They appear here while an assistant with a connected key is running.</p>
        </EmptyState>
      )}
      {sessions.data && sessions.data.length > 0 && <SessionsTable sessions={sessions.data} now={now} />}
      <div className="section-header">
        <h3>Recent events</h3>
        {hidden > 0 && (
          <span className="check">
            <input id={filterId} type="checkbox" checked={showAll} onChange={(event) => setShowAll(event.target.checked)} />
            <label htmlFor={filterId}>Show KeyBridge&apos;s own events ({hidden})</label>
          </span>
        )}
      </div>
      {events.status === 'loading' && <Loading what="events" />}
      {events.status === 'error' && <ErrorState message={events.error} onRetry={() => void events.reload()} />}
      {events.status !== 'loading' && log.length === 0 && <p className="muted">Nothing has happened yet.</p>}
      {log.length > 0 && <EventLog events={log} />}
    </section>
  );
}
