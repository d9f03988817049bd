// "Move into KeyBridge": plaintext keys found in an assistant's config become profiles, and
// the config entry is rewritten to launch the bridge instead.
import { useEffect, useState } from 'react';
import { api, messageOf, unwrap } from '../api';
import type { ClientView, Finding } from '../../src-shared/ipc-contract';
import { VENDORS } from '../../src-shared/vendors';
import { Dialog } from './Dialog';
import { EmptyState, InlineError, Loading } from './States';

interface MigrationDialogProps {
  client: ClientView;
  onClose: () => void;
  onMoved: () => void;
}

export function MigrationDialog({ client, onClose, onMoved }: MigrationDialogProps) {
  const [findings, setFindings] = useState<Finding[] | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [moved, setMoved] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    unwrap(api().migration.scan()).then(
      (all) => {
        if (!live) return;
        const mine = all.filter((finding) => finding.client === client.id);
        setFindings(mine);
        setNames(Object.fromEntries(mine.map((finding) => [finding.id, finding.suggestedProfile])));
      },
      (scanError: unknown) => live && setError(messageOf(scanError)),
    );
    return () => {
      live = false;
    };
  }, [client.id]);

  const move = async (finding: Finding) => {
    setError(null);
    try {
      await unwrap(api().migration.migrate({ findingId: finding.id, profile: names[finding.id] ?? finding.suggestedProfile }));
      setMoved((previous) => ({ ...previous, [finding.id]: true }));
      onMoved();
    } catch (moveError) {
      setError(messageOf(moveError));
    }
  };

  return (
    <Dialog title={`Plaintext keys in ${client.label}`} onClose={onClose} wide>
      <p>
        These keys sit unencrypted in <code>{client.configPath}</code>, readable by any program. Moving one stores it encrypted in
        KeyBridge and points the entry at the bridge.
      </p>
      {!findings && !error && <Loading what="findings" />}
      {findings?.length === 0 && <EmptyState title="Nothing left to move" />}
      <ul className="findings">
        {findings?.map((finding) => (
          <li key={finding.id} className="finding">
            <p>
              <strong>{finding.entryName}</strong> · {VENDORS[finding.vendor].label} · <code>{finding.maskedKey}</code>{' '}
              <span className="muted">({finding.where})</span>
            </p>
            {moved[finding.id] ? (
              <p role="status">Moved into KeyBridge as {names[finding.id]}.</p>
            ) : (
              <div className="inline-form">
                <label>
                  Profile name{' '}
                  <input
                    value={names[finding.id] ?? ''}
                    spellCheck={false}
                    onChange={(event) => setNames((previous) => ({ ...previous, [finding.id]: event.target.value }))}
                  />
                </label>
                <button type="button" className="primary" onClick={() => void move(finding)}>
                  Move into KeyBridge
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <InlineError message={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
