// "Connect…" from a key's card: the assistants found on this computer, each with Connect.
import type { ClientView, SessionView } from '../../src-shared/ipc-contract';
import { ConnectAssistants } from './ConnectAssistants';
import { Dialog } from './Dialog';

interface ConnectDialogProps {
  profile: string;
  clients: readonly ClientView[];
  sessions: readonly SessionView[];
  onClose: () => void;
}

export function ConnectDialog({ profile, clients, sessions, onClose }: ConnectDialogProps) {
  return (
    <Dialog title={`Connect ${profile}`} onClose={onClose}>
      <p className="muted">KeyBridge adds an entry to the assistant&apos;s MCP settings. The entry names the key; it never contains it.</p>
      <ConnectAssistants profile={profile} clients={clients} sessions={sessions} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
