// A profile's state in a word, coloured; failing carries the vendor's own message.
import type { ProfileView } from '../../src-shared/profile';

const LABELS: Record<ProfileView['state'], string> = {
  unverified: 'Not verified',
  ok: 'Working',
  failing: 'Failing',
  'needs-reentry': 'Needs re-entry',
  locked: 'Locked',
};

export function KeyStateBadge({ profile }: { profile: ProfileView }) {
  const label = profile.paused ? 'Paused' : LABELS[profile.state];
  const tone = profile.paused ? 'neutral' : profile.state === 'ok' ? 'ok' : profile.state === 'unverified' ? 'neutral' : 'bad';
  return <span className={`badge badge-${tone}`}>{label}</span>;
}

/** The sentence under the badge explaining a state that needs the user. */
export function keyStateDetail(profile: ProfileView): string | null {
  switch (profile.state) {
    case 'failing':
      return profile.lastCheck && !profile.lastCheck.ok ? profile.lastCheck.message : 'The vendor refused the key.';
    case 'needs-reentry':
      return 'The stored key can no longer be decrypted on this machine. Enter it again with Rotate.';
    case 'locked':
      return 'The system keychain is locked or unavailable; unlock it to use this key.';
    default:
      return null;
  }
}
