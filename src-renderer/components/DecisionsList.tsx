// Remembered approval decisions (which assistant's program may use which key), each revocable;
// a pre-approval from Connect is shown as the assistant's name until it first connects.
import { useState } from 'react';
import { api, messageOf, unwrap } from '../api';
import { formatWhen } from '../format';
import { useLive } from '../hooks/useLive';
import { shortPath } from './ClientRow';
import { ErrorState, InlineError, Loading } from './States';

/** A pre-approval from Connect ("assistant:Cursor") until the assistant first connects; else the
 * program's path as the system reported it. */
function shownClient(client: string, home: string | null): string {
  return client.startsWith('assistant:') ? `${client.slice('assistant:'.length)} (when it first connects)` : shortPath(client, home);
}

export function DecisionsList({ home }: { home: string | null }) {
  const decisions = useLive(api().decisions.list);
  const [error, setError] = useState<string | null>(null);

  const revoke = async (client: string, profile: string) => {
    setError(null);
    try {
      await unwrap(api().decisions.revoke({ client, profile }));
      await decisions.reload();
    } catch (revokeError) {
      setError(messageOf(revokeError));
    }
  };

  if (decisions.status === 'loading') return <Loading what="decisions" />;
  if (decisions.status === 'error') return <ErrorState message={decisions.error} onRetry={() => void decisions.reload()} />;
  return (
    <>
      <h4>Remembered decisions</h4>
      {decisions.data.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="decisions">
          {decisions.data.map((decision) => (
            <li key={`${decision.client}/${decision.profile}`}>
              <span>
                {decision.decision === 'allow' ? 'Allowed' : 'Denied'} <strong>{shownClient(decision.client, home)}</strong> → <code>{decision.profile}</code>{' '}
                <span className="muted">{formatWhen(decision.at)}</span>
              </span>
              <button type="button" className="link-button" onClick={() => void revoke(decision.client, decision.profile)}>
                Forget
              </button>
            </li>
          ))}
        </ul>
      )}
      <InlineError message={error} />
    </>
  );
}
