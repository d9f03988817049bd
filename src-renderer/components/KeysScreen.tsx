// Keys: every profile, and the way to add one.
import type { ClientView } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';
import type { Live } from '../hooks/useLive';
import { ProfileCard } from './ProfileCard';
import { EmptyState, ErrorState, Loading } from './States';

interface KeysScreenProps {
  profiles: Live<ProfileView[]>;
  clients: readonly ClientView[];
  onRetry: () => void;
  onAdd: () => void;
  onRotate: (name: string) => void;
  onRemove: (name: string) => void;
}

export function clientsUsing(clients: readonly ClientView[], profile: string): ClientView[] {
  return clients.filter((client) => client.profiles.includes(profile));
}

export function KeysScreen({ profiles, clients, onRetry, onAdd, onRotate, onRemove }: KeysScreenProps) {
  return (
    <section className="screen" aria-labelledby="keys-title">
      <header className="screen-header">
        <h2 id="keys-title">Keys</h2>
        <button type="button" className="primary" onClick={onAdd}>
          Add key…
        </button>
      </header>
      {profiles.status === 'loading' && <Loading what="keys" />}
      {profiles.status === 'error' && <ErrorState message={profiles.error} onRetry={onRetry} />}
      {profiles.data && profiles.data.length === 0 && (
        <EmptyState title="No keys yet">
          <p>Add an UptimeObserver, UptimeMonitoring or other MCP API key. KeyBridge keeps it encrypted; assistants never see it.</p>
          <button type="button" className="primary" onClick={onAdd}>
            Add your first key
          </button>
        </EmptyState>
      )}
      {profiles.data && profiles.data.length > 0 && (
        <div className="card-list">
          {profiles.data.map((profile) => (
            <ProfileCard
              key={profile.name}
              profile={profile}
              clientsUsing={clientsUsing(clients, profile.name).map((client) => client.label)}
              onRotate={() => onRotate(profile.name)}
              onRemove={() => onRemove(profile.name)}
            />
          ))}
        </div>
      )}
    </section>
  );
}
