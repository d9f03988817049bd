// The assistants found on this computer, each with Connect for one key, and after Connect what
// that assistant needs to load KeyBridge (a restart, a refresh, or nothing).
import { useState } from 'react';
import { api, messageOf, unwrap } from '../api';
import { clientInUse } from '../keyStatus';
import { nextStepAfterConnect } from '../../src-shared/assistants';
import type { ClientView, SessionView } from '../../src-shared/ipc-contract';
import { InlineError } from './States';

interface ConnectAssistantsProps {
  profile: string;
  clients: readonly ClientView[];
  sessions: readonly SessionView[];
}

const keyOf = (client: ClientView) => `${client.id}:${client.projectDir ?? ''}`;

export function ConnectAssistants({ profile, clients, sessions }: ConnectAssistantsProps) {
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [justConnected, setJustConnected] = useState<Set<string>>(new Set());
  const shown = clients.filter((client) => client.profiles.includes(profile) || (client.projectDir === null && client.state !== 'not-present'));

  const connect = async (client: ClientView) => {
    const id = keyOf(client);
    setBusy(id);
    setErrors(({ [id]: _, ...rest }) => rest);
    try {
      await unwrap(api().clients.connect({ client: client.id, ...(client.projectDir ? { projectDir: client.projectDir } : {}), profile }));
      setJustConnected((previous) => new Set(previous).add(id));
    } catch (error) {
      setErrors((previous) => ({ ...previous, [id]: messageOf(error) }));
    } finally {
      setBusy(null);
    }
  };

  if (shown.length === 0) {
    return <p className="muted">No assistant was found on this computer. Install one, or add its entry by hand from the Assistants screen.</p>;
  }
  return (
    <ul className="connect-list" aria-label={`Assistants for ${profile}`}>
      {shown.map((client) => {
        const id = keyOf(client);
        const configured = client.profiles.includes(profile);
        const live = configured && clientInUse(client, profile, sessions).length > 0;
        return (
          <li key={id} className="connect-row">
            <div className="connect-head">
              <span className="connect-name">{client.label}</span>
              {configured ? (
                <span className={`badge badge-${live ? 'ok' : 'neutral'}`}>{live ? 'In use' : 'Configured'}</span>
              ) : (
                <button type="button" className="primary" disabled={busy !== null} aria-label={`Connect ${client.label}`} onClick={() => void connect(client)}>
                  {busy === id ? 'Connecting…' : 'Connect'}
                </button>
              )}
            </div>
            {configured && !live && justConnected.has(id) && (
              <p className="next-step" role="status">
                {nextStepAfterConnect(client.id).text}
              </p>
            )}
            <InlineError message={errors[id] ?? null} />
          </li>
        );
      })}
    </ul>
  );
}
