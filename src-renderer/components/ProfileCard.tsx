// One profile on the Keys screen: what it is, whether it works, who uses it, what to do.
import { useState } from 'react';
import { api, messageOf, unwrap } from '../api';
import { formatWhen } from '../format';
import type { TestConnectionResult } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';
import { VENDORS } from '../../src-shared/vendors';
import { KeyStateBadge, keyStateDetail } from './KeyStateBadge';
import { PreviousKeyNote } from './PreviousKeyNote';
import { ProbeSummary } from './ProbeSummary';
import { InlineError } from './States';

interface ProfileCardProps {
  profile: ProfileView;
  clientsUsing: readonly string[];
  onRotate: () => void;
  onRemove: () => void;
}

export function ProfileCard({ profile, clientsUsing, onRotate, onRemove }: ProfileCardProps) {
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<TestConnectionResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const detail = keyStateDetail(profile);

  const test = async () => {
    setTesting(true);
    setError(null);
    setResult(null);
    try {
      setResult(await unwrap(api().profiles.testConnection(profile.name)));
    } catch (testError) {
      setError(messageOf(testError));
    } finally {
      setTesting(false);
    }
  };

  const togglePause = async () => {
    setError(null);
    try {
      await unwrap(api().profiles.setPaused({ name: profile.name, paused: !profile.paused }));
    } catch (pauseError) {
      setError(messageOf(pauseError));
    }
  };

  return (
    <article className="card profile-card" aria-labelledby={`profile-${profile.name}`}>
      <header className="card-header">
        <h3 id={`profile-${profile.name}`}>{profile.name}</h3>
        <KeyStateBadge profile={profile} />
      </header>
      <dl className="facts">
        <dt>Vendor</dt>
        <dd>{VENDORS[profile.vendor].label}</dd>
        <dt>Key</dt>
        <dd>
          <code>{profile.key?.masked ?? 'none'}</code>
        </dd>
        <dt>Endpoint</dt>
        <dd className="truncate">{profile.endpoint}</dd>
        <dt>Last verified</dt>
        <dd>{formatWhen(profile.lastVerifiedAt)}</dd>
        <dt>Last used</dt>
        <dd>{formatWhen(profile.lastUsedAt)}</dd>
        <dt>Used by</dt>
        <dd>{clientsUsing.length > 0 ? clientsUsing.join(', ') : 'no assistant yet'}</dd>
      </dl>
      {detail && <p className={`state-detail state-detail-${profile.state}`}>{detail}</p>}
      {profile.previous && <PreviousKeyNote previous={profile.previous} onOpen={onRotate} />}
      {profile.warnings.map((warning) => (
        <p key={warning} className="warning-text">
          {warning}
        </p>
      ))}
      {result && <ProbeSummary result={result} />}
      <InlineError message={error} />
      <div className="card-actions">
        <button type="button" disabled={testing} onClick={() => void test()}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" onClick={onRotate}>
          Rotate…
        </button>
        <button type="button" onClick={() => void togglePause()}>
          {profile.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="danger-quiet" onClick={onRemove}>
          Remove…
        </button>
      </div>
    </article>
  );
}
