// The settings window: navigation, the notices banner, the four screens, and the dialogs
// (opened from the screens or by the tray through app:navigate).
import { useEffect, useState } from 'react';
import { api } from '../api';
import { useLive } from '../hooks/useLive';
import type { ClientView } from '../../src-shared/ipc-contract';
import { ActivityScreen } from './ActivityScreen';
import { AddKeyDialog } from './AddKeyDialog';
import { ClientsScreen } from './ClientsScreen';
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
  | { kind: 'remove'; profile: string }
  | { kind: 'snippet'; client: ClientView; profile: string }
  | { kind: 'migrate'; client: ClientView };

export function App() {
  const [screen, setScreen] = useState<ScreenId>('keys');
  const [dialog, setDialog] = useState<OpenDialog | null>(null);
  const profiles = useLive(api().profiles.list, api().profiles.onChanged);
  const clients = useLive(api().clients.list, api().clients.onChanged);
  const reloadProfiles = profiles.reload;
  const reloadClients = clients.reload;

  useEffect(
    () =>
      api().app.onNavigate((request) => {
        setScreen(request.screen);
        if (request.action === 'add-key') setDialog({ kind: 'add' });
        else if (request.action === 'rotate' && request.profile) setDialog({ kind: 'rotate', profile: request.profile });
      }),
    [],
  );

  const close = () => {
    setDialog(null);
    void reloadProfiles();
    void reloadClients();
  };
  const profileNamed = (name: string) => profiles.data?.find((profile) => profile.name === name) ?? null;
  const profileNames = profiles.data?.map((profile) => profile.name) ?? [];
  const rotating = dialog?.kind === 'rotate' ? profileNamed(dialog.profile) : null;
  const removing = dialog?.kind === 'remove' ? profileNamed(dialog.profile) : null;

  return (
    <div className="app">
      <aside className="sidebar">
        <h1 className="brand">KeyBridge</h1>
        <NavTabs current={screen} onSelect={setScreen} />
      </aside>
      <main className="content" id="screen" role="tabpanel" aria-labelledby={`tab-${screen}`}>
        <NoticesBanner />
        {screen === 'keys' && (
          <KeysScreen
            profiles={profiles}
            clients={clients.data ?? []}
            onRetry={() => void reloadProfiles()}
            onAdd={() => setDialog({ kind: 'add' })}
            onRotate={(profile) => setDialog({ kind: 'rotate', profile })}
            onRemove={(profile) => setDialog({ kind: 'remove', profile })}
          />
        )}
        {screen === 'clients' && (
          <ClientsScreen
            clients={clients}
            profiles={profileNames}
            onRetry={() => void reloadClients()}
            onShowSnippet={(client, profile) => setDialog({ kind: 'snippet', client, profile })}
            onMigrate={(client) => setDialog({ kind: 'migrate', client })}
          />
        )}
        {screen === 'activity' && <ActivityScreen />}
        {screen === 'settings' && <SettingsScreen />}
      </main>
      {dialog?.kind === 'add' && <AddKeyDialog existingNames={profileNames} onClose={close} onSaved={() => void reloadProfiles()} />}
      {rotating && <RotateWizard profile={rotating} onClose={close} />}
      {removing && (
        <RemoveKeyDialog profile={removing} clientsUsing={clientsUsing(clients.data ?? [], removing.name)} onClose={close} onRemoved={close} />
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
