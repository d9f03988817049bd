// One key on the Keys screen: its status in one line, the one problem that needs the user with
// its fix, a rotation in progress, which assistants have it (configured) and use it (live),
// its details folded away, and what can be done with it.
import { useId, useState } from 'react';
import { api, messageOf, unwrap } from '../api';
import { formatDate } from '../format';
import { keyProblem, statusLine, type Fix, type KeyUsage } from '../keyStatus';
import type { SessionView, TestConnectionResult } from '../../src-shared/ipc-contract';
import type { ProfileView } from '../../src-shared/profile';
import { VENDORS } from '../../src-shared/vendors';
import { formatWhen } from '../format';
import { KeyCallout } from './KeyCallout';
import { KeyStateBadge } from './KeyStateBadge';
import { ProbeSummary } from './ProbeSummary';
import { RotationCallout } from './RotationCallout';
import { InlineError } from './States';

export interface ProfileCardActions {
  onRotate: () => void;
  onReenter: () => void;
  onEdit: () => void;
  onRemove: () => void;
  onConnect: () => void;
  onOpenSettings: () => void;
}

interface ProfileCardProps extends ProfileCardActions {
  profile: ProfileView;
  usage: KeyUsage;
  sessions: readonly SessionView[];
  now: number;
}

export function ProfileCard({ profile, usage, sessions, now, onRotate, onReenter, onEdit, onRemove, onConnect, onOpenSettings }: ProfileCardProps) {
  const [busy, setBusy] = useState<'test' | 'fix' | 'pause' | null>(null);
  const [result, setResult] = useState<TestConnectionResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();
  const statusId = useId();
  const problem = keyProblem(profile);
  const vendor = VENDORS[profile.vendor];

  const attempt = async (what: 'test' | 'fix' | 'pause', action: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await action();
    } catch (actionError) {
      setError(messageOf(actionError));
    } finally {
      setBusy(null);
    }
  };
  const test = () =>
    attempt('test', async () => {
      setResult(null);
      setResult(await unwrap(api().profiles.testConnection(profile.name)));
    });
  const setPaused = (paused: boolean) => attempt('pause', async () => void (await unwrap(api().profiles.setPaused({ name: profile.name, paused }))));
  const fix = (which: Fix) => {
    if (which === 'resume') void setPaused(false);
    else if (which === 're-enter') onReenter();
    else if (which === 'check-network') onOpenSettings();
    // Unlock: asking the keychain for the key makes the system show its unlock prompt.
    else void attempt('fix', async () => void (await unwrap(api().profiles.verify(profile.name))));
  };

  return (
    <article id={`key-${profile.name}`} tabIndex={-1} className="card profile-card" aria-labelledby={headingId} aria-describedby={statusId}>
      <header className="card-header">
        <h3 id={headingId}>{profile.name}</h3>
        <KeyStateBadge profile={profile} />
        <span className="muted card-subtitle">
          {vendor.label} · <code>{profile.key?.masked ?? 'no key'}</code>
        </span>
      </header>
      <p id={statusId} className="status-line">
        {statusLine(profile, usage, now)}
      </p>
      {problem ? (
        <KeyCallout problem={problem} busy={busy !== null} onFix={() => fix(problem.fix)} />
      ) : (
        profile.previous && <RotationCallout profile={profile} previous={profile.previous} sessions={sessions} />
      )}
      <div className="assistants-line">
        <span className="muted">Assistants:</span>{' '}
        {usage.configured.length === 0 && usage.inUse.length === 0 ? (
          <button type="button" className="link-button" onClick={onConnect}>
            Connect…
          </button>
        ) : (
          <>
            <AssistantList usage={usage} now={now} />{' '}
            <button type="button" className="link-button" onClick={onConnect}>
              Connect another…
            </button>
          </>
        )}
      </div>
      {result && <ProbeSummary result={result} />}
      <InlineError message={error} />
      <details className="details">
        <summary>Details</summary>
        <dl className="facts">
          <dt>Vendor</dt>
          <dd>{vendor.label}</dd>
          <dt>Key</dt>
          <dd>
            <code>{profile.key?.masked ?? 'none'}</code>
          </dd>
          <dt>Endpoint</dt>
          <dd className="truncate" title={profile.endpoint}>
            {profile.endpoint}
          </dd>
          <dt>Header</dt>
          <dd>{profile.auth === 'bearer' ? 'Authorization: Bearer' : 'X-API-Key'}</dd>
          <dt>Added</dt>
          <dd>{formatDate(profile.addedAt)}</dd>
          {profile.previous && (
            <>
              <dt>Rotated</dt>
              <dd>{formatDate(profile.previous.rotatedAt)}</dd>
            </>
          )}
          <dt>Last used</dt>
          <dd>{formatWhen(profile.lastUsedAt, now)}</dd>
          {profile.note && (
            <>
              <dt>Note</dt>
              <dd>{profile.note}</dd>
            </>
          )}
        </dl>
        {profile.warnings.filter((warning) => !profile.previous || !/old key|previous key/i.test(warning)).map((warning) => (
          <p key={warning} className="warning-text">
            {warning}
          </p>
        ))}
        <p className="hint">Pause stops every assistant from using this key, without removing it, until you resume it.</p>
      </details>
      <div className="card-actions">
        <button type="button" disabled={busy !== null || profile.key === null} onClick={() => void test()}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" onClick={onRotate}>
          Rotate…
        </button>
        <button type="button" onClick={onEdit}>
          Edit…
        </button>
        <button type="button" disabled={busy !== null} onClick={() => void setPaused(!profile.paused)}>
          {profile.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="danger-quiet" onClick={onRemove}>
          Remove…
        </button>
      </div>
    </article>
  );
}

function AssistantList({ usage, now }: { usage: KeyUsage; now: number }) {
  const live = new Map(usage.inUse.map((u) => [u.name, u.lastAt]));
  const names = [...new Set([...usage.inUse.map((u) => u.name), ...usage.configured.map((c) => c.label)])];
  return (
    <ul className="inline-list" aria-label="Assistants with this key">
      {names.map((name) => {
        const at = live.get(name);
        return (
          <li key={name}>
            {name}{' '}
            <span className={`badge badge-${at ? 'ok' : 'neutral'}`}>{at ? `In use · ${formatWhen(at, now)}` : 'Configured'}</span>
          </li>
        );
      })}
    </ul>
  );
}
