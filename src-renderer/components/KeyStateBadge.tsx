// A key's state in a word (never colour alone): Working, Not verified yet, Failing, …
import { stateWord } from '../keyStatus';
import type { ProfileView } from '../../src-shared/profile';

export function KeyStateBadge({ profile }: { profile: ProfileView }) {
  const tone = profile.paused ? 'neutral' : profile.state === 'ok' ? 'ok' : profile.state === 'unverified' ? 'neutral' : 'bad';
  return <span className={`badge badge-${tone}`}>{stateWord(profile)}</span>;
}
