// The old key left over from a rotation, as the profile card mentions it.
import { formatCountdown } from '../format';
import { useNow } from '../hooks/useNow';
import type { PreviousKey } from '../../src-shared/profile';

export function PreviousKeyNote({ previous, onOpen }: { previous: PreviousKey; onOpen: () => void }) {
  const grace = previous.fate === 'grace' && previous.graceEndsAt !== null;
  const now = useNow(1000, grace);
  const remaining = grace ? Date.parse(previous.graceEndsAt ?? '') - now : 0;
  if (grace && remaining <= 0) return null;
  return (
    <p className="previous-key">
      {grace ? (
        <>
          Previous key <code>{previous.masked}</code> in grace for {formatCountdown(remaining)}.{' '}
        </>
      ) : (
        <>
          Previous key <code>{previous.masked}</code> is still valid until you revoke it.{' '}
        </>
      )}
      <button type="button" className="link-button" onClick={onOpen}>
        {grace ? 'Roll back…' : 'I revoked it…'}
      </button>
    </p>
  );
}
