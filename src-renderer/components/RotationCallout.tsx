// "Rotation in progress" on a key's card, for as long as the old key is around: for
// UptimeMonitoring the grace countdown in local time with the new key's health live (verified,
// assistants switched, errors since) and Roll back; for UptimeObserver the reminder to revoke the
// old key in the dashboard and "I revoked it" (main checks that the old key now fails).
import { api, openLink, unwrap } from '../api';
import { formatCountdown, formatTime } from '../format';
import { useAction } from '../hooks/useAction';
import { useNow } from '../hooks/useNow';
import type { SessionView } from '../../src-shared/ipc-contract';
import type { PreviousKey, ProfileView } from '../../src-shared/profile';
import { VENDORS } from '../../src-shared/vendors';
import { InlineError } from './States';

interface RotationCalloutProps {
  profile: ProfileView;
  previous: PreviousKey;
  sessions: readonly SessionView[];
}

export interface RotationHealth {
  verified: 'yes' | 'no' | 'failed';
  verifiedAt: string | null;
  switched: number;
  errorsSince: number;
  lastError: string | null;
}

/** How the new key is doing since the switch. */
export function rotationHealth(profile: ProfileView, previous: PreviousKey, sessions: readonly SessionView[]): RotationHealth {
  const since = Date.parse(previous.rotatedAt);
  const check = profile.lastCheck && Date.parse(profile.lastCheck.at) >= since - 1000 ? profile.lastCheck : null;
  const mine = sessions.filter((session) => session.profile === profile.name);
  const failures = mine.filter((session) => session.lastError && Date.parse(session.lastError.at) >= since);
  const last = failures.map((session) => session.lastError).sort((a, b) => Date.parse(b?.at ?? '') - Date.parse(a?.at ?? ''))[0];
  return {
    verified: check ? (check.ok ? 'yes' : 'failed') : 'no',
    verifiedAt: check?.at ?? null,
    switched: mine.length,
    errorsSince: failures.length,
    lastError: last ? `${last.status ?? ''} ${last.message}`.trim() : null,
  };
}

export function RotationCallout({ profile, previous, sessions }: RotationCalloutProps) {
  const vendor = VENDORS[profile.vendor];
  const grace = previous.fate === 'grace' && previous.graceEndsAt !== null;
  const now = useNow(1000, grace);
  const { busy, error, setError, run } = useAction();
  const endsAt = grace ? Date.parse(previous.graceEndsAt ?? '') : 0;
  const remaining = endsAt - now;
  if (grace && remaining <= 0) return null;
  const health = rotationHealth(profile, previous, sessions);

  if (!grace) {
    return (
      <div className="callout callout-warn rotation" role="group" aria-label="Rotation in progress">
        <div>
          <p className="callout-title">Rotation in progress</p>
          <p>
            Assistants use the new key <code>{profile.key?.masked}</code>. Revoke the old key <code>{previous.masked}</code> in the {vendor.label}{' '}
            dashboard (Integrations → MCP), then confirm here.
          </p>
          <InlineError message={error} />
        </div>
        <div className="callout-actions">
          {vendor.keysPageUrl && (
            <button type="button" onClick={() => void openLink(vendor.keysPageUrl ?? '').then(setError)}>
              Open dashboard
            </button>
          )}
          <button type="button" disabled={busy} onClick={() => void run(() => unwrap(api().profiles.confirmRevoked(profile.name)))}>
            {busy ? 'Checking…' : 'I revoked it'}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="callout callout-warn rotation" role="group" aria-label="Rotation in progress">
      <div>
        <p className="callout-title">Rotation in progress</p>
        <p>
          The old key <code>{previous.masked}</code> keeps working until {formatTime(previous.graceEndsAt ?? '')} (
          <span className="tabular">{formatCountdown(remaining)}</span> left).
        </p>
        <ul className="health" aria-label="New key health">
          <li className={health.verified === 'failed' ? 'health-bad' : health.verified === 'yes' ? 'health-ok' : undefined}>
            <span aria-hidden="true">{health.verified === 'yes' ? '✓' : health.verified === 'failed' ? '✕' : '…'}</span>{' '}
            {health.verified === 'yes'
              ? `New key ${profile.key?.masked ?? ''} verified at ${formatTime(health.verifiedAt ?? '')}`
              : health.verified === 'failed'
                ? `New key ${profile.key?.masked ?? ''} failed its check`
                : `New key ${profile.key?.masked ?? ''} not verified yet`}
          </li>
          <li>
            <span aria-hidden="true">{health.switched > 0 ? '✓' : '·'}</span>{' '}
            {health.switched === 0
              ? 'No assistant connected right now'
              : `${health.switched} live ${health.switched === 1 ? 'session uses' : 'sessions use'} the new key`}
          </li>
          <li className={health.errorsSince > 0 ? 'health-bad' : 'health-ok'}>
            <span aria-hidden="true">{health.errorsSince > 0 ? '✕' : '✓'}</span>{' '}
            {health.errorsSince === 0 ? 'No errors since the switch' : `Errors since the switch: ${health.lastError ?? ''}`}
          </li>
        </ul>
        <InlineError message={error} />
      </div>
      <div className="callout-actions">
        <button type="button" disabled={busy} onClick={() => void run(() => unwrap(api().profiles.rollback(profile.name)))}>
          Roll back
        </button>
      </div>
    </div>
  );
}
