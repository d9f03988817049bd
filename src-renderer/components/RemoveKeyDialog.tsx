// Removing a profile deletes the key from KeyBridge only: it keeps working at the vendor until
// the user revokes it there, so say that and link to the dashboard.
import { useState } from 'react';
import { api, messageOf, openLink, unwrap } from '../api';
import type { ProfileView } from '../../src-shared/profile';
import { VENDORS } from '../../src-shared/vendors';
import { Dialog } from './Dialog';
import { InlineError } from './States';

interface RemoveKeyDialogProps {
  profile: ProfileView;
  clientsUsing: readonly string[];
  onClose: () => void;
  onRemoved: () => void;
}

export function RemoveKeyDialog({ profile, clientsUsing, onClose, onRemoved }: RemoveKeyDialogProps) {
  const vendor = VENDORS[profile.vendor];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(api().profiles.remove(profile.name));
      onRemoved();
    } catch (removeError) {
      setError(messageOf(removeError));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Remove ${profile.name}?`} onClose={onClose}>
      <p>
        KeyBridge deletes its encrypted copy of <code>{profile.key?.masked ?? 'this key'}</code>
        {clientsUsing.length > 0 ? ` and stops the bridges of ${clientsUsing.join(', ')}.` : '.'}
      </p>
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
        <button type="button" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
          Remove key
        </button>
      </div>
    </Dialog>
  );
}
