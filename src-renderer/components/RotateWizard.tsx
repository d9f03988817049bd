// Rotate a profile's key: open the vendor's dashboard, paste the new key, verify and switch;
// then the vendor's own ending (revoke reminder, grace countdown, or nothing to do).
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
  onClose: () => void;
}

export function RotateWizard({ profile, onClose }: RotateWizardProps) {
  const vendor = VENDORS[profile.vendor];
  const [entry, setEntry] = useState<KeyEntry>(EMPTY_KEY);
  const { busy, error, setError, run } = useAction();
  // Opened while an earlier rotation still has its old key around: go straight to its ending.
  const [ending, setEnding] = useState<Ending | null>(profile.previous ? { kind: 'rotated', profile } : null);
  const problem = entryProblem(entry, profile.vendor, profile.keyPrefix);

  const rotate = async () => {
    const key = toKeySource(entry);
    if (!key || problem) return;
    await run(async () => {
      const rotated = await unwrap(api().profiles.rotate({ name: profile.name, key }));
      setEntry(EMPTY_KEY);
      setEnding({ kind: 'rotated', profile: rotated });
    });
  };

  return (
    <Dialog title={`Rotate ${profile.name}`} onClose={onClose} wide>
      {ending ? <RotateEnding ending={ending} onEnding={setEnding} onClose={onClose} /> : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void rotate();
          }}
          noValidate
        >
          <ol className="steps">
            <li>
              <p>Create a new key in your {vendor.label} dashboard.</p>
              {vendor.keysPageUrl && (
                <button type="button" onClick={() => void openLink(vendor.keysPageUrl ?? '').then(setError)}>
                  Open {vendor.label} dashboard
                </button>
              )}
            </li>
            <li>
              <KeyField label="New API key" entry={entry} onChange={setEntry} problem={problem} disabled={busy} />
            </li>
            <li>
              <p>
                KeyBridge verifies the new key against <code>{profile.endpoint}</code>, then switches every bridge using{' '}
                <strong>{profile.name}</strong> to it.
              </p>
            </li>
          </ol>
          <InlineError message={error} />
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy || problem !== null}>
              {busy ? 'Verifying…' : 'Verify & switch'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
