// Keys: every key with how it is doing; with none yet, the first-run start instead.
import type { ClientView, SessionView } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';
import type { Live } from '../hooks/useLive';
import { useNow } from '../hooks/useNow';
import { usageOf } from '../keyStatus';
import { FirstRun } from './FirstRun';
import { ProfileCard, type ProfileCardActions } from './ProfileCard';
import { ErrorState, Loading } from './States';

interface KeysScreenProps {
  profiles: Live<ProfileView[]>;
  clients: readonly ClientView[];
  sessions: readonly SessionView[];
  onRetry: () => void;
  onAdd: () => void;
  onMigrate: (client: ClientView) => void;
  actionsFor: (profile: string) => ProfileCardActions;
}

export function clientsUsing(clients: readonly ClientView[], profile: string): ClientView[] {
  return clients.filter((client) => client.profiles.includes(profile));
}

export function KeysScreen({ profiles, clients, sessions, onRetry, onAdd, onMigrate, actionsFor }: KeysScreenProps) {
  // Relative times ("verified 3 min ago") stay true while the window is open.
  const now = useNow(15_000);
  const empty = profiles.data?.length === 0;
  const hasKeys = (profiles.data?.length ?? 0) > 0;
  return (
    <section className="screen" aria-labelledby="keys-title">
      <header className="screen-header">
        <h2 id="keys-title">{empty ? 'Welcome to KeyBridge' : 'Keys'}</h2>
        {hasKeys && (
          <button type="button" className="primary" onClick={onAdd}>
            Add key…
          </button>
        )}
      </header>
      {profiles.status === 'loading' && <Loading what="keys" />}
      {profiles.status === 'error' && <ErrorState message={profiles.error} onRetry={onRetry} />}
      {empty && <FirstRun clients={clients} onAdd={onAdd} onMigrate={onMigrate} />}
      {profiles.data && profiles.data.length > 0 && (
        <div className="card-list">
          {profiles.data.map((profile) => (
            <ProfileCard
              key={profile.name}
              profile={profile}
              usage={usageOf(profile.name, clients, sessions)}
              sessions={sessions}
              now={now}
              {...actionsFor(profile.name)}
            />
          ))}
        </div>
      )}
    </section>
  );
}
