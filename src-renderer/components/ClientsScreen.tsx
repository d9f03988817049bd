// Clients: each assistant, connected to profiles through the bridge.
import type { ClientView } from '../../src-shared/ipc-contract';
import type { Live } from '../hooks/useLive';
import { ClientRow } from './ClientRow';
import { EmptyState, ErrorState, Loading } from './States';

interface ClientsScreenProps {
  clients: Live<ClientView[]>;
  profiles: readonly string[];
  onRetry: () => void;
  onShowSnippet: (client: ClientView, profile: string) => void;
  onMigrate: (client: ClientView) => void;
}

export function ClientsScreen({ clients, profiles, onRetry, onShowSnippet, onMigrate }: ClientsScreenProps) {
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
    </section>
  );
}
