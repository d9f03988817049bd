// UptimeObserver's ending of a rotation: the old key stays valid until the user revokes it in
// the dashboard, so remind them, link there, and forget it once they confirm.
import { api, openLink, unwrap } from '../api';
import { useAction } from '../hooks/useAction';
import type { PreviousKey, ProfileView } from '../../src-shared/profile';
import { VENDORS } from '../../src-shared/vendors';
import { InlineError } from './States';

interface RevokeReminderProps {
  profile: ProfileView;
  previous: PreviousKey;
  onConfirmed: (profile: ProfileView) => void;
  onLater: () => void;
}

export function RevokeReminder({ profile, previous, onConfirmed, onLater }: RevokeReminderProps) {
  const vendor = VENDORS[profile.vendor];
  const { busy, error, setError, run } = useAction();
  const confirm = () => run(async () => onConfirmed(await unwrap(api().profiles.confirmRevoked(profile.name))));

  return (
    <div className="ending">
      <p className="reminder">
        Revoke the old key <code>{previous.masked}</code> in the dashboard
      </p>
      <p className="muted">
        {vendor.label} keeps the old key valid until you revoke it (Integrations → MCP). Every assistant already uses the new key{' '}
        <code>{profile.key?.masked}</code>.
      </p>
      <InlineError message={error} />
      <div className="dialog-actions">
        {vendor.keysPageUrl && (
          <button type="button" onClick={() => void openLink(vendor.keysPageUrl ?? '').then(setError)}>
            Open {vendor.label} dashboard
          </button>
        )}
        <button type="button" onClick={onLater}>
          Later
        </button>
        <button type="button" className="primary" disabled={busy} onClick={() => void confirm()}>
          I revoked it
        </button>
      </div>
    </div>
  );
}
