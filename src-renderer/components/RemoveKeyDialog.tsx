// Removing a profile deletes the key from KeyBridge only: it keeps working at the vendor until
// the user revokes it there, so say that and link to the dashboard. The assistants' entries
// for it would only fail from then on, so they go too unless the user keeps them (e.g. to add
// the profile again under the same name).
import { useState } from 'react';
import { api, openLink, unwrap } from '../api';
import { useAction } from '../hooks/useAction';
import type { ClientView } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';
import { VENDORS } from '../../src-shared/vendors';
import { Dialog } from './Dialog';
import { InlineError } from './States';
import { Toggle } from './Toggle';

interface RemoveKeyDialogProps {
  profile: ProfileView;
  /** The assistants whose config has an entry for this profile. */
  clientsUsing: readonly ClientView[];
  onClose: () => void;
  onRemoved: () => void;
}

export function RemoveKeyDialog({ profile, clientsUsing, onClose, onRemoved }: RemoveKeyDialogProps) {
  const vendor = VENDORS[profile.vendor];
  const labels = clientsUsing.map((client) => client.label).join(', ');
  const { busy, error, setError, run } = useAction();
  const [disconnect, setDisconnect] = useState(true);

  const remove = () =>
    run(async () => {
      // Main takes the assistants' entries out first: a config that cannot be written keeps the key.
      await unwrap(api().profiles.remove(profile.name, { disconnectAssistants: disconnect && clientsUsing.length > 0 }));
      onRemoved();
    });

  return (
    <Dialog title={`Remove ${profile.name}?`} onClose={onClose}>
      <p>
        Its encrypted copy of <code>{profile.key?.masked ?? 'this key'}</code> is deleted from this computer
        {clientsUsing.length > 0 ? ` and ${labels} can no longer use it.` : '.'}
      </p>
      {clientsUsing.length > 0 && (
        <Toggle label={`Also remove its entry from ${labels}`} hint="Keep it to add the key again under the same name later." checked={disconnect} disabled={busy} onChange={setDisconnect} />
      )}
      <p className="warning-text">
        The key itself keeps working at {vendor.label} until you revoke it in the {vendor.keysPageUrl ? 'dashboard' : "vendor's settings"}.
      </p>
      {vendor.keysPageUrl && (
        <p>
          <button type="button" className="link-button" onClick={() => void openLink(vendor.keysPageUrl ?? '').then(setError)}>
            Open the {vendor.label} dashboard to revoke it
          </button>
        </p>
      )}
      <InlineError message={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose} autoFocus data-autofocus>
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
          Remove key
        </button>
      </div>
    </Dialog>
  );
}
