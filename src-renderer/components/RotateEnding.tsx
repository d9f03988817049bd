// How a rotation ends, by vendor: a revoke reminder (UptimeObserver), a grace countdown with
// roll back (UptimeMonitoring), or a plain confirmation.
import type { ProfileView } from '../../src-shared/profile';
import { GraceCountdown } from './GraceCountdown';
import { RevokeReminder } from './RevokeReminder';

export type Ending = { kind: 'rotated' | 'revoked' | 'rolled-back' | 'reentered'; profile: ProfileView };

export function RotateEnding({ ending, onEnding, onClose }: { ending: Ending; onEnding: (ending: Ending) => void; onClose: () => void }) {
  const { profile } = ending;
  const previous = profile.previous;
  if (ending.kind === 'rotated' && previous?.fate === 'until-revoked') {
    return (
      <RevokeReminder profile={profile} previous={previous} onLater={onClose} onConfirmed={(next) => onEnding({ kind: 'revoked', profile: next })} />
    );
  }
  if (ending.kind === 'rotated' && previous?.fate === 'grace') {
    return (
      <GraceCountdown
        profile={profile}
        previous={previous}
        onDone={onClose}
        onRolledBack={(next) => onEnding({ kind: 'rolled-back', profile: next })}
      />
    );
  }
  const message =
    ending.kind === 'reentered'
      ? `Saved: ${profile.name} uses ${profile.key?.masked ?? 'the key'} again and works.`
      : ending.kind === 'rolled-back'
      ? `Rolled back: ${profile.name} uses ${profile.key?.masked ?? 'its old key'} again. Revoke the new key in the dashboard if you no longer need it.`
      : ending.kind === 'revoked'
        ? `Done: ${profile.name} uses ${profile.key?.masked ?? 'the new key'} and the old key is forgotten.`
        : `Switched: ${profile.name} uses ${profile.key?.masked ?? 'the new key'}.`;
  return (
    <div className="ending">
      <p role="status">{message}</p>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onClose} autoFocus data-autofocus>
          Done
        </button>
      </div>
    </div>
  );
}
