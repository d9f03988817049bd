// Activity: live bridge sessions and the recent event log.
import { useEffect } from 'react';
import { api } from '../api';
import { useLive } from '../hooks/useLive';
import { useNow } from '../hooks/useNow';
import { EventLog } from './EventLog';
import { SessionsTable } from './SessionsTable';
import { EmptyState, ErrorState, Loading } from './States';

const MAX_EVENTS = 200;

export function ActivityScreen() {
  const sessions = useLive(api().activity.sessions, api().activity.onSessionsChanged);
  const events = useLive(api().activity.events);
  const now = useNow(15_000);
  const reloadEvents = events.reload;

  // Main keeps the log; a new event means "read it again" (no duplicates, no gaps).
  useEffect(() => api().activity.onEvent(() => void reloadEvents()), [reloadEvents]);

  // Newest first.
  const log = [...(events.data ?? [])].reverse().slice(0, MAX_EVENTS);

  return (
    <section className="screen" aria-labelledby="activity-title">
      <header className="screen-header">
        <h2 id="activity-title">Activity</h2>
      </header>
      <h3>Live sessions</h3>
      {sessions.status === 'loading' && <Loading what="sessions" />}
      {sessions.status === 'error' && <ErrorState message={sessions.error} onRetry={() => void sessions.reload()} />}
      {sessions.data?.length === 0 && (
        <EmptyState title="No bridge is running">
          <p className="muted">Sessions appear here when an assistant starts a connected MCP server.</p>
        </EmptyState>
      )}
      {sessions.data && sessions.data.length > 0 && <SessionsTable sessions={sessions.data} now={now} />}
      <h3>Recent events</h3>
      {events.status === 'loading' && <Loading what="events" />}
      {events.status === 'error' && <ErrorState message={events.error} onRetry={() => void events.reload()} />}
      {events.status !== 'loading' && log.length === 0 && <p className="muted">Nothing has happened yet.</p>}
      {log.length > 0 && <EventLog events={log} />}
    </section>
  );
}
