// UptimeMonitoring's ending of a rotation: the old key keeps working for a 5-minute grace
// window, shown live, with "Roll back" while it lasts.
import { api, unwrap } from '../api';
import { formatCountdown } from '../format';
import { useAction } from '../hooks/useAction';
import { useNow } from '../hooks/useNow';
import type { PreviousKey, ProfileView } from '../../src-shared/profile';
import { VENDORS } from '../../src-shared/vendors';
import { InlineError } from './States';

interface GraceCountdownProps {
  profile: ProfileView;
  previous: PreviousKey;
  onRolledBack: (profile: ProfileView) => void;
  onDone: () => void;
}

export function GraceCountdown({ profile, previous, onRolledBack, onDone }: GraceCountdownProps) {
  const now = useNow(1000);
  const endsAt = previous.graceEndsAt ? Date.parse(previous.graceEndsAt) : now;
  const remaining = Math.max(0, endsAt - now);
  const graceMs = VENDORS[profile.vendor].graceMs ?? 5 * 60 * 1000;
  const { busy, error, run } = useAction();
  const rollBack = () => run(async () => onRolledBack(await unwrap(api().profiles.rollback(profile.name))));

  if (remaining === 0) {
    return (
      <div className="ending" role="status">
        <p>
          The grace window is over: {VENDORS[profile.vendor].label} has revoked the old key <code>{previous.masked}</code> for good.
        </p>
        <div className="dialog-actions">
          <button type="button" className="primary" onClick={onDone}>
            Done
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="ending">
      <p>
        Switched to <code>{profile.key?.masked}</code>. The old key <code>{previous.masked}</code> keeps working for
      </p>
      <p className="countdown" role="timer" aria-label="Grace window remaining">
        {formatCountdown(remaining)}
      </p>
      <progress className="countdown-bar" max={graceMs} value={remaining} aria-hidden="true" />
      <p className="muted">If something breaks, roll back now: every assistant goes back to the old key.</p>
      <InlineError message={error} />
      <div className="dialog-actions">
        <button type="button" disabled={busy} onClick={() => void rollBack()}>
          Roll back
        </button>
        <button type="button" className="primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
