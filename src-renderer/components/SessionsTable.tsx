// Live bridge sessions, as the bridges report them to the agent.
import { formatWhen } from '../format';
import type { SessionView } from '../../src-shared/ipc-contract';

const UPSTREAM: Record<SessionView['upstream'], string> = { connecting: 'Connecting', ok: 'OK', failing: 'Failing' };

export function SessionsTable({ sessions, now }: { sessions: readonly SessionView[]; now: number }) {
  return (
    <table className="table">
      <caption className="sr-only">Live sessions</caption>
      <thead>
        <tr>
          <th scope="col">Client</th>
          <th scope="col">Profile</th>
          <th scope="col">Since</th>
          <th scope="col">Upstream</th>
          <th scope="col" className="num">
            Requests
          </th>
          <th scope="col" className="num">
            Errors
          </th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((session) => (
          <tr key={session.id}>
            <td>
              {session.client.name}
              {session.client.pid !== null && <span className="muted"> (pid {session.client.pid})</span>}
            </td>
            <td>
              <code>{session.profile}</code>
            </td>
            <td>{formatWhen(session.since, now)}</td>
            <td>
              <span className={`badge badge-${session.upstream === 'ok' ? 'ok' : session.upstream === 'failing' ? 'bad' : 'neutral'}`}>
                {UPSTREAM[session.upstream]}
              </span>
            </td>
            <td className="num">{session.requests}</td>
            <td className="num">{session.errors}</td>
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
