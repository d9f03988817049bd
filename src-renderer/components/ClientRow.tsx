// One assistant on the Assistants screen: its state, the keys it has (Configured: the entry is
// written; In use: a live session right now), what to do after Connect, and what can be done.
import { useId, useState } from 'react';
import { api, unwrap } from '../api';
import { formatWhen } from '../format';
import { useAction } from '../hooks/useAction';
import { clientInUse, sessionLastAt } from '../keyStatus';
import { nextStepAfterConnect } from '../../src-shared/assistants';
import type { ClientView, SessionView } from '../../src-shared/ipc-contract';
import { InlineError } from './States';

const STATE_LABELS: Record<ClientView['state'], string> = {
  'not-present': 'Not found on this computer',
  'not-connected': 'Not connected',
  connected: 'Configured',
  changed: 'Entry changed outside KeyBridge',
  error: 'Error',
};

/** `~/.cursor/mcp.json` for a file in the home folder (the path main reports is absolute). */
export function shortPath(path: string, home: string | null): string {
  if (home && (path === home || path.startsWith(`${home}/`) || path.startsWith(`${home}\\`))) return `~${path.slice(home.length)}`;
  return path;
}

interface ClientRowProps {
  client: ClientView;
  profiles: readonly string[];
  sessions: readonly SessionView[];
  /** The user's home folder, to show paths as ~/…; null when unknown. */
  home: string | null;
  onShowSnippet: (profile: string) => void;
  onMigrate: () => void;
}

export function ClientRow({ client, profiles, sessions, home, onShowSnippet, onMigrate }: ClientRowProps) {
  const unconnected = profiles.filter((name) => !client.profiles.includes(name));
  const [chosen, setChosen] = useState<string>('');
  const selected = unconnected.includes(chosen) ? chosen : (unconnected[0] ?? profiles[0] ?? '');
  const { busy, error, run } = useAction();
  const target = client.projectDir ? { client: client.id, projectDir: client.projectDir } : { client: client.id };
  const headingId = useId();
  const live = client.profiles.flatMap((profile) => clientInUse(client, profile, sessions));
  const inUse = client.state === 'connected' && live.length > 0;
  const tone = inUse ? 'ok' : client.state === 'error' || client.state === 'changed' ? 'bad' : 'neutral';
  const [connected, setConnected] = useState(false);

  return (
    <article className="card client-card" aria-labelledby={headingId}>
      <header className="card-header">
        <h3 id={headingId}>{client.label}</h3>
        <span className={`badge badge-${tone}`}>{inUse ? 'In use' : STATE_LABELS[client.state]}</span>
      </header>
      <p className="muted truncate" title={client.configPath}>
        {shortPath(client.configPath, home)}
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
        <ul className="connected-profiles" aria-label={`Keys connected to ${client.label}`}>
          {client.profiles.map((profile) => {
            const sessionsOf = clientInUse(client, profile, sessions);
            const last = sessionsOf.map(sessionLastAt).sort().at(-1);
            return (
            <li key={profile}>
              <code>{profile}</code>
              <span className={`badge badge-${last ? 'ok' : 'neutral'}`}>{last ? `In use · last request ${formatWhen(last)}` : 'Configured · not started yet'}</span>
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
            );
          })}
        </ul>
      )}
      {connected && client.state === 'connected' && !inUse && (
        <p className="next-step" role="status">
          {nextStepAfterConnect(client.id).text}
        </p>
      )}
      {profiles.length === 0 ? (
        <p className="muted">Add a key first; then connect it here.</p>
      ) : (
        <div className="inline-form">
          <label>
            Key{' '}
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
            onClick={() =>
              void run(async () => {
                await unwrap(api().clients.connect({ ...target, profile: selected }));
                setConnected(true);
              })
            }
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
