// Clients: each assistant, connected to profiles through the bridge, and the project folders
// whose workspace configs (.cursor/mcp.json, .vscode/mcp.json) the user added.
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api';
import { useAction } from '../hooks/useAction';
import type { ClientView } from '../../src-shared/ipc-contract';
import type { Live } from '../hooks/useLive';
import { ClientRow } from './ClientRow';
import { EmptyState, ErrorState, InlineError, Loading } from './States';

interface ClientsScreenProps {
  clients: Live<ClientView[]>;
  profiles: readonly string[];
  onRetry: () => void;
  onShowSnippet: (client: ClientView, profile: string) => void;
  onMigrate: (client: ClientView) => void;
}

export function ClientsScreen({ clients, profiles, onRetry, onShowSnippet, onMigrate }: ClientsScreenProps) {
  const [folder, setFolder] = useState('');
  const adding = useAction();
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
        <h2 id="clients-title">Clients</h2>
      </header>
      <p className="muted">Connecting writes a bridge entry into the assistant&apos;s MCP config. The entry never contains the key.</p>
      {clients.status === 'loading' && <Loading what="assistants" />}
      {clients.status === 'error' && <ErrorState message={clients.error} onRetry={onRetry} />}
      {clients.data?.length === 0 && <EmptyState title="No assistants known" />}
      <div className="card-list">
        {clients.data?.map((client) => (
          <ClientRow
            key={`${client.id}:${client.projectDir ?? ''}`}
            client={client}
            profiles={profiles}
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
        <span className="muted">KeyBridge then lists, scans and connects its .cursor/mcp.json and .vscode/mcp.json.</span>
      </form>
      <InlineError message={adding.error} />
    </section>
  );
}
