// The assistants using keys right now, from the agent's live sessions.
import { formatWhen } from '../format';
import { sessionLastAt } from '../keyStatus';
import { assistantName } from '../../src-shared/assistants';
import type { SessionView } from '../../src-shared/ipc-contract';

const STATUS: Record<SessionView['upstream'], string> = { connecting: 'Starting', ok: 'Working', failing: 'Failing' };

export function SessionsTable({ sessions, now }: { sessions: readonly SessionView[]; now: number }) {
  return (
    <table className="table">
      <caption className="sr-only">Assistants using keys now</caption>
      <thead>
        <tr>
          <th scope="col">Assistant</th>
          <th scope="col">Key</th>
          <th scope="col">Since</th>
          <th scope="col">Status</th>
          <th scope="col" className="num">
            Requests
          </th>
          <th scope="col" className="num">
            Errors
          </th>
          <th scope="col">Last request</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((session) => (
          <tr key={session.id}>
            <td>
              {assistantName(session.client.name)}
              {session.client.pid !== null && <span className="muted"> (pid {session.client.pid})</span>}
            </td>
            <td>
              <code>{session.profile}</code>
            </td>
            <td>{formatWhen(session.since, now)}</td>
            <td>
              <span className={`badge badge-${session.upstream === 'ok' ? 'ok' : session.upstream === 'failing' ? 'bad' : 'neutral'}`}>
                {STATUS[session.upstream]}
              </span>
            </td>
            <td className="num">{session.requests}</td>
            <td className="num">{session.errors}</td>
            <td>{session.lastRequestAt ? formatWhen(sessionLastAt(session), now) : '—'}</td>
            <td>
              {session.lastError
                ? `${session.lastError.status ?? ''} ${session.lastError.message} (${formatWhen(session.lastError.at, now)})`.trim()
                : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
