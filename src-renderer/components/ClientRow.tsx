// One assistant on the Clients screen: its state, the profiles it uses, and what can be done.
import { useId, useState } from 'react';
import { api, unwrap } from '../api';
import { useAction } from '../hooks/useAction';
import type { ClientView } from '../../src-shared/ipc-contract';
import { InlineError } from './States';

const STATE_LABELS: Record<ClientView['state'], string> = {
  'not-present': 'Not found on this computer',
  'not-connected': 'Not connected',
  connected: 'Connected',
  changed: 'Entry changed outside KeyBridge',
  error: 'Error',
};

interface ClientRowProps {
  client: ClientView;
  profiles: readonly string[];
  onShowSnippet: (profile: string) => void;
  onMigrate: () => void;
}

export function ClientRow({ client, profiles, onShowSnippet, onMigrate }: ClientRowProps) {
  const unconnected = profiles.filter((name) => !client.profiles.includes(name));
  const [chosen, setChosen] = useState<string>('');
  const selected = unconnected.includes(chosen) ? chosen : (unconnected[0] ?? profiles[0] ?? '');
  const { busy, error, run } = useAction();
  const target = client.projectDir ? { client: client.id, projectDir: client.projectDir } : { client: client.id };
  const headingId = useId();
  const tone = client.state === 'connected' ? 'ok' : client.state === 'error' || client.state === 'changed' ? 'bad' : 'neutral';

  return (
    <article className="card client-card" aria-labelledby={headingId}>
      <header className="card-header">
        <h3 id={headingId}>{client.label}</h3>
        <span className={`badge badge-${tone}`}>{STATE_LABELS[client.state]}</span>
      </header>
      <p className="muted truncate" title={client.configPath}>
        {client.configPath}
      </p>
      {client.error && <p className="warning-text">{client.error}</p>}
      {client.problems.map((problem) => (
        <p key={problem} className="warning-text">
          {problem}
        </p>
      ))}
      {client.plaintextKeys > 0 && (
        <div className="plaintext-warning" role="alert">
          <p>
            {client.plaintextKeys === 1 ? 'A plaintext API key was' : `${client.plaintextKeys} plaintext API keys were`} found in this
            config.
            {client.plaintextBackups > 0 &&
              ` ${client.plaintextBackups === 1 ? 'A backup' : `${client.plaintextBackups} backups`} KeyBridge made of it ${client.plaintextBackups === 1 ? 'holds' : 'hold'} ${client.plaintextKeys === 1 ? 'it' : 'them'} too, until you move ${client.plaintextKeys === 1 ? 'it' : 'them'}.`}
          </p>
          <button type="button" onClick={onMigrate}>
            Move into KeyBridge
          </button>
        </div>
      )}
      {client.profiles.length > 0 && (
        <ul className="connected-profiles" aria-label={`Profiles connected to ${client.label}`}>
          {client.profiles.map((profile) => (
            <li key={profile}>
              <code>{profile}</code>
              <button type="button" className="link-button" onClick={() => onShowSnippet(profile)}>
                Show snippet
              </button>
              <button
                type="button"
                className="link-button"
                disabled={busy}
                onClick={() => void run(() => unwrap(api().clients.disconnect({ ...target, profile })))}
              >
                Disconnect
              </button>
            </li>
          ))}
        </ul>
      )}
      {profiles.length === 0 ? (
        <p className="muted">Add a key first; then connect it here.</p>
      ) : (
        <div className="inline-form">
          <label>
            Profile{' '}
            <select value={selected} onChange={(event) => setChosen(event.target.value)}>
              {profiles.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="primary"
            disabled={busy || client.state === 'not-present' || client.profiles.includes(selected)}
            onClick={() => void run(() => unwrap(api().clients.connect({ ...target, profile: selected })))}
          >
            Connect
          </button>
          <button type="button" onClick={() => onShowSnippet(selected)}>
            Show snippet
          </button>
        </div>
      )}
      {client.projectDir && (
        <button type="button" className="link-button" disabled={busy} onClick={() => void run(() => unwrap(api().clients.removeProject({ dir: client.projectDir ?? '' })))}>
          Remove folder
        </button>
      )}
      <InlineError message={error} />
    </article>
  );
}
