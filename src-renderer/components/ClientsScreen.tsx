// Assistants: each assistant with the keys it has (Configured) and uses (In use), and the
// project folders whose workspace configs (.cursor/mcp.json, .vscode/mcp.json) the user added.
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api';
import { useAction } from '../hooks/useAction';
import type { ClientView, SessionView } from '../../src-shared/ipc-contract';
import type { Live } from '../hooks/useLive';
import { ClientRow } from './ClientRow';
import { EmptyState, ErrorState, InlineError, Loading } from './States';

interface ClientsScreenProps {
  clients: Live<ClientView[]>;
  profiles: readonly string[];
  sessions: readonly SessionView[];
  onRetry: () => void;
  onShowSnippet: (client: ClientView, profile: string) => void;
  onMigrate: (client: ClientView) => void;
}

/** The home folder, read off Claude Code's config (always ~/.claude.json), to show paths as ~/…. */
export function homeOf(clients: readonly ClientView[]): string | null {
  const claudeCode = clients.find((client) => client.id === 'claude-code');
  const match = claudeCode && /^(.*)[\\/]\.claude\.json$/.exec(claudeCode.configPath);
  return match?.[1] ?? null;
}

export function ClientsScreen({ clients, profiles, sessions, onRetry, onShowSnippet, onMigrate }: ClientsScreenProps) {
  const [folder, setFolder] = useState('');
  const adding = useAction();
  const home = homeOf(clients.data ?? []);
  const addFolder = (event: FormEvent) => {
    event.preventDefault();
    void adding.run(async () => {
      await unwrap(api().clients.addProject({ dir: folder.trim() }));
      setFolder('');
      onRetry();
    });
  };
  return (
    <section className="screen" aria-labelledby="clients-title">
      <header className="screen-header">
        <h2 id="clients-title">Assistants</h2>
      </header>
      <p className="muted screen-intro">Connect adds an entry for a key to the assistant&apos;s MCP settings. The entry names the key; it never contains it.</p>
      {clients.status === 'loading' && <Loading what="assistants" />}
      {clients.status === 'error' && <ErrorState message={clients.error} onRetry={onRetry} />}
      {clients.data?.length === 0 && <EmptyState title="No assistants known" />}
      <div className="card-list">
        {clients.data?.map((client) => (
          <ClientRow
            key={`${client.id}:${client.projectDir ?? ''}`}
            client={client}
            profiles={profiles}
            sessions={sessions}
            home={home}
            onShowSnippet={(profile) => onShowSnippet(client, profile)}
            onMigrate={() => onMigrate(client)}
          />
        ))}
      </div>
      <form className="inline-form project-folder" onSubmit={addFolder}>
        <label>
          Project folder{' '}
          <input value={folder} spellCheck={false} placeholder="/path/to/project" onChange={(event) => setFolder(event.target.value)} />
        </label>
        <button type="submit" disabled={adding.busy || folder.trim() === ''}>
          Add folder
        </button>
        <span className="muted">Its .cursor/mcp.json and .vscode/mcp.json are then listed, checked for keys and can be connected.</span>
      </form>
      <InlineError message={adding.error} />
    </section>
  );
}
