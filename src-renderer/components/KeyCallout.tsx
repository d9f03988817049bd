// The one thing a key needs from the user, with the one button that fixes it: Resume a paused
// key, Re-enter a key that no longer decrypts or that the vendor refused, Unlock the keychain,
// Check proxy settings when the vendor cannot be reached.
import type { Problem } from '../keyStatus';

export function KeyCallout({ problem, busy, onFix }: { problem: Problem; busy: boolean; onFix: () => void }) {
  return (
    <div className={`callout callout-${problem.tone}`} role={problem.tone === 'bad' ? 'alert' : 'status'}>
      <p>{problem.message}</p>
      <button type="button" className={problem.fix === 're-enter' ? 'primary' : undefined} disabled={busy} onClick={onFix}>
        {problem.fixLabel}
      </button>
    </div>
  );
}
