// The settings window: navigation, the notices banner, the four screens, and the dialogs
// (opened from the screens or by the tray through app:navigate).
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { useLive } from '../hooks/useLive';
import type { ClientView } from '../../src-shared/ipc-contract';
import { ActivityScreen } from './ActivityScreen';
import { AddKeyDialog } from './AddKeyDialog';
import { ClientsScreen, homeOf } from './ClientsScreen';
import { ConnectDialog } from './ConnectDialog';
import { EditKeyDialog } from './EditKeyDialog';
import { KeysScreen, clientsUsing } from './KeysScreen';
import { MigrationDialog } from './MigrationDialog';
import { NavTabs, type ScreenId } from './NavTabs';
import { NoticesBanner } from './NoticesBanner';
import { RemoveKeyDialog } from './RemoveKeyDialog';
import { RotateWizard } from './RotateWizard';
import { SettingsScreen } from './SettingsScreen';
import { SnippetDialog } from './SnippetDialog';

type OpenDialog =
  | { kind: 'add' }
  | { kind: 'rotate'; profile: string }
  | { kind: 'reenter'; profile: string }
  | { kind: 'edit'; profile: string }
  | { kind: 'connect'; profile: string }
  | { kind: 'remove'; profile: string }
  | { kind: 'snippet'; client: ClientView; profile: string }
  | { kind: 'migrate'; client: ClientView };

export function App() {
  const [screen, setScreen] = useState<ScreenId>('keys');
  const [dialog, setDialog] = useState<OpenDialog | null>(null);
  /** A key to bring into view (a clicked notification about it), once per request. */
  const [shownKey, setShownKey] = useState<{ profile: string } | null>(null);
  const shownDone = useRef<{ profile: string } | null>(null);
  const profiles = useLive(api().profiles.list, api().profiles.onChanged);
  const clients = useLive(api().clients.list, api().clients.onChanged);
  const sessions = useLive(api().activity.sessions, api().activity.onSessionsChanged);
  const reloadProfiles = profiles.reload;
  const reloadClients = clients.reload;

  useEffect(
    () =>
      api().app.onNavigate((request) => {
        setScreen(request.screen);
        if (request.action === 'add-key') setDialog({ kind: 'add' });
        else if (request.profile && request.action) setDialog({ kind: request.action, profile: request.profile });
        else setDialog(null);
        // A notification about a key opens that key's card.
        if (request.profile && !request.action) setShownKey({ profile: request.profile });
      }),
    [],
  );

  useEffect(() => {
    if (!shownKey || shownDone.current === shownKey || !profiles.data?.some((profile) => profile.name === shownKey.profile)) return;
    shownDone.current = shownKey;
    const card = document.getElementById(`key-${shownKey.profile}`);
    card?.scrollIntoView({ block: 'nearest' });
    card?.focus();
  }, [shownKey, profiles.data]);

  const close = () => {
    setDialog(null);
    void reloadProfiles();
    void reloadClients();
  };
  const profileNamed = (name: string) => profiles.data?.find((profile) => profile.name === name) ?? null;
  const profileNames = profiles.data?.map((profile) => profile.name) ?? [];
  const forProfile = dialog && 'profile' in dialog && dialog.kind !== 'snippet' ? profileNamed(dialog.profile) : null;
  const liveSessions = sessions.data ?? [];
  const clientList = clients.data ?? [];
  const actionsFor = useCallback(
    (profile: string) => ({
      onRotate: () => setDialog({ kind: 'rotate', profile }),
      onReenter: () => setDialog({ kind: 'reenter', profile }),
      onEdit: () => setDialog({ kind: 'edit', profile }),
      onRemove: () => setDialog({ kind: 'remove', profile }),
      onConnect: () => setDialog({ kind: 'connect', profile }),
      onOpenSettings: () => setScreen('settings'),
    }),
    [],
  );

  return (
    <div className="app">
      <aside className="sidebar">
        <h1 className="brand">KeyBridge</h1>
        <NavTabs current={screen} onSelect={setScreen} />
      </aside>
      <main className="content">
        <NoticesBanner />
        <div id="screen" role="tabpanel" aria-labelledby={`tab-${screen}`}>
        {screen === 'keys' && (
          <KeysScreen
            profiles={profiles}
            clients={clientList}
            sessions={liveSessions}
            onRetry={() => void reloadProfiles()}
            onAdd={() => setDialog({ kind: 'add' })}
            onMigrate={(client) => setDialog({ kind: 'migrate', client })}
            actionsFor={actionsFor}
          />
        )}
        {screen === 'clients' && (
          <ClientsScreen
            clients={clients}
            profiles={profileNames}
            sessions={liveSessions}
            onRetry={() => void reloadClients()}
            onShowSnippet={(client, profile) => setDialog({ kind: 'snippet', client, profile })}
            onMigrate={(client) => setDialog({ kind: 'migrate', client })}
          />
        )}
        {screen === 'activity' && <ActivityScreen sessions={sessions} />}
        {screen === 'settings' && <SettingsScreen home={homeOf(clientList)} />}
        </div>
      </main>
      {dialog?.kind === 'add' && (
        <AddKeyDialog existingNames={profileNames} clients={clientList} sessions={liveSessions} onClose={close} onSaved={() => void reloadProfiles()} />
      )}
      {forProfile && dialog?.kind === 'rotate' && <RotateWizard profile={forProfile} onClose={close} />}
      {forProfile && dialog?.kind === 'reenter' && <RotateWizard profile={forProfile} mode="reenter" onClose={close} />}
      {forProfile && dialog?.kind === 'edit' && <EditKeyDialog profile={forProfile} onClose={close} />}
      {forProfile && dialog?.kind === 'connect' && <ConnectDialog profile={forProfile.name} clients={clientList} sessions={liveSessions} onClose={close} />}
      {forProfile && dialog?.kind === 'remove' && (
        <RemoveKeyDialog profile={forProfile} clientsUsing={clientsUsing(clientList, forProfile.name)} onClose={close} onRemoved={close} />
      )}
      {dialog?.kind === 'snippet' && <SnippetDialog client={dialog.client} profile={dialog.profile} onClose={close} />}
      {dialog?.kind === 'migrate' && (
        <MigrationDialog
          client={dialog.client}
          onClose={close}
          onMoved={() => {
            void reloadProfiles();
            void reloadClients();
          }}
        />
      )}
    </div>
  );
}
