// Rotate a key: create a new one in the vendor's dashboard, paste it, verify and switch; then
// the vendor's own ending (revoke reminder, grace countdown, or nothing to do).
// Re-enter a key: the same key again (it no longer decrypts here) or the one the vendor now
// accepts; verified, then it replaces the stored key and nothing old is kept.
import { useState } from 'react';
import { api, openLink, unwrap } from '../api';
import { useAction } from '../hooks/useAction';
import { EMPTY_KEY, entryProblem, toKeySource, type KeyEntry } from '../keyEntry';
import type { ProfileView } from '../../src-shared/profile';
import { VENDORS } from '../../src-shared/vendors';
import { Dialog } from './Dialog';
import { KeyField } from './KeyField';
import { RotateEnding, type Ending } from './RotateEnding';
import { InlineError } from './States';

interface RotateWizardProps {
  profile: ProfileView;
  /** rotate (default): a new key; reenter: the key again, after it stopped decrypting or working. */
  mode?: 'rotate' | 'reenter';
  onClose: () => void;
}

export function RotateWizard({ profile, mode = 'rotate', onClose }: RotateWizardProps) {
  const vendor = VENDORS[profile.vendor];
  const [entry, setEntry] = useState<KeyEntry>(EMPTY_KEY);
  const { busy, error, setError, run } = useAction();
  const reenter = mode === 'reenter';
  // Opened while an earlier rotation still has its old key around: go straight to its ending.
  const [ending, setEnding] = useState<Ending | null>(!reenter && profile.previous ? { kind: 'rotated', profile } : null);
  const problem = entryProblem(entry, profile.vendor, profile.keyPrefix);

  const submit = async () => {
    const key = toKeySource(entry);
    if (!key || problem) return;
    await run(async () => {
      const changed = await unwrap(reenter ? api().profiles.reenter({ name: profile.name, key }) : api().profiles.rotate({ name: profile.name, key }));
      setEntry(EMPTY_KEY);
      setEnding({ kind: reenter ? 'reentered' : 'rotated', profile: changed });
    });
  };

  const dashboard = vendor.keysPageUrl && (
    <button type="button" onClick={() => void openLink(vendor.keysPageUrl ?? '').then(setError)}>
      Open {vendor.label} dashboard
    </button>
  );

  return (
    <Dialog title={`${reenter ? 'Re-enter' : 'Rotate'} ${profile.name}`} onClose={onClose} wide>
      {ending ? (
        <RotateEnding ending={ending} onEnding={setEnding} onClose={onClose} />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
          noValidate
        >
          {reenter ? (
            <ol className="steps">
              <li>
                <KeyField label="API key" entry={entry} onChange={setEntry} problem={problem} disabled={busy} autoFocus />
                <p className="hint">
                  Paste the key {profile.name} uses{profile.key ? <> (it ends like <code>{profile.key.masked}</code>)</> : null}. If it was revoked, create a new
                  one in the {vendor.label} dashboard and paste that.
                </p>
                {dashboard}
              </li>
              <li>
                <p>
                  It is verified against <code>{profile.endpoint}</code>, then every assistant using <strong>{profile.name}</strong> carries on with it.
                </p>
              </li>
            </ol>
          ) : (
            <ol className="steps">
              <li>
                <p>Create a new key in your {vendor.label} dashboard.</p>
                {dashboard}
              </li>
              <li>
                <KeyField label="New API key" entry={entry} onChange={setEntry} problem={problem} disabled={busy} autoFocus />
              </li>
              <li>
                <p>
                  It is verified against <code>{profile.endpoint}</code>, then every assistant using <strong>{profile.name}</strong> switches to it.
                </p>
              </li>
            </ol>
          )}
          <InlineError message={error} />
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || problem !== null}>
              {busy ? 'Verifying…' : reenter ? 'Verify & save' : 'Verify & switch'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
