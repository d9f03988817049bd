// "Move into KeyBridge": plaintext keys found in an assistant's config become profiles, and
// the config entry is rewritten to launch the bridge instead. Main compares keys (by
// fingerprint) and re-reads them from the file; the page only ever sees masked keys.
import { useCallback, useEffect, useState } from 'react';
import { api, messageOf, unwrap } from '../api';
import type { ClientView, Finding, MigrateInput, ScanError } from '../../src-shared/ipc-contract';
import { VENDORS } from '../../src-shared/vendors';
import { Dialog } from './Dialog';
import { EmptyState, InlineError, Loading } from './States';

interface MigrationDialogProps {
  client: ClientView;
  onClose: () => void;
  onMoved: () => void;
}

interface Draft {
  name: string;
  /** The user typed a name: a new scan does not replace it with its suggestion. */
  named: boolean;
  endpoint: string;
  replaceLocal: boolean;
}

/** A finding the user acted on: kept on screen with what happened. */
interface Outcome {
  finding: Finding;
  message: string;
}

const belongsTo = (client: ClientView) => (item: { client: string; projectDir: string | null }) =>
  item.client === client.id && item.projectDir === client.projectDir;

function backupsNote(count: number): string {
  return count === 1 ? 'one of the backups KeyBridge made of this file' : `${count} of the backups KeyBridge made of this file`;
}

export function MigrationDialog({ client, onClose, onMoved }: MigrationDialogProps) {
  const [findings, setFindings] = useState<Finding[] | null>(null);
  const [scanErrors, setScanErrors] = useState<ScanError[]>([]);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [scanFailure, setScanFailure] = useState<string | null>(null);

  const load = useCallback(async () => {
    const report = await unwrap(api().migration.scan());
    const mine = report.findings.filter(belongsTo(client));
    setFindings(mine);
    setScanErrors(report.errors.filter(belongsTo(client)));
    setDrafts((previous) =>
      Object.fromEntries(
        mine.map((finding) => {
          const draft = previous[finding.id];
          const name = draft?.named ? draft.name : finding.suggestedProfile;
          return [finding.id, { name, named: draft?.named ?? false, endpoint: draft?.endpoint ?? finding.endpoint ?? '', replaceLocal: draft?.replaceLocal ?? false }];
        }),
      ),
    );
  }, [client]);

  useEffect(() => {
    let live = true;
    load().catch((error: unknown) => live && setScanFailure(messageOf(error)));
    return () => {
      live = false;
    };
  }, [load]);

  const edit = (id: string, patch: Partial<Draft>) =>
    setDrafts((previous) => {
      const draft = previous[id] ?? { name: '', named: false, endpoint: '', replaceLocal: false };
      return { ...previous, [id]: { ...draft, ...patch } };
    });

  const act = async (finding: Finding, input: Omit<MigrateInput, 'findingId'>) => {
    setBusy(finding.id);
    setErrors(({ [finding.id]: _gone, ...rest }) => rest);
    try {
      const result = await unwrap(api().migration.migrate({ findingId: finding.id, ...input }));
      setOutcomes((previous) => [...previous, { finding, message: result.message }]);
      onMoved();
      // The others may now match the profile just made, or need another free name.
      await load().catch((error: unknown) => setScanFailure(messageOf(error)));
    } catch (error) {
      setErrors((previous) => ({ ...previous, [finding.id]: messageOf(error) }));
    } finally {
      setBusy(null);
    }
  };

  const leave = (finding: Finding) => {
    const backups = finding.backupsHoldingKey > 0 ? ` It is also in ${backupsNote(finding.backupsHoldingKey)} before earlier changes.` : '';
    setOutcomes((previous) => [...previous, { finding, message: `Left as it is: the key stays in plaintext in ${finding.configPath}.${backups}` }]);
  };

  const done = new Set(outcomes.map((o) => o.finding.id));
  const open = (findings ?? []).filter((finding) => !done.has(finding.id));

  return (
    <Dialog title={`Plaintext keys in ${client.label}`} onClose={onClose} wide>
      <p>
        These keys sit unencrypted in <code>{client.configPath}</code>, readable by any program. Moving one stores it encrypted in
        KeyBridge and points the entry at the bridge.
      </p>
      {scanErrors.length > 0 && (
        <div className="scan-errors" role="alert">
          <p>KeyBridge could not read every file of {client.label}; it left these alone:</p>
          <ul>
            {scanErrors.map((problem) => (
              <li key={`${problem.configPath}\0${problem.scope ?? ''}`}>{problem.message}</li>
            ))}
          </ul>
        </div>
      )}
      {!findings && !scanFailure && <Loading what="findings" />}
      {findings && open.length === 0 && <EmptyState title={scanErrors.length > 0 ? 'Nothing to move in the files KeyBridge could read' : 'Nothing left to move'} />}
      <ul className="findings">
        {outcomes.map(({ finding, message }) => (
          <li key={finding.id} className="finding" aria-label={`${finding.entryName} ${finding.maskedKey}`}>
            <FindingHeader finding={finding} client={client} />
            <p role="status">{message}</p>
          </li>
        ))}
        {open.map((finding) => {
          const draft = drafts[finding.id] ?? { name: finding.suggestedProfile, named: false, endpoint: finding.endpoint ?? '', replaceLocal: false };
          const working = busy === finding.id;
          const localBlocked = finding.local !== null && !draft.replaceLocal;
          return (
            <li key={finding.id} className="finding" aria-label={`${finding.entryName} ${finding.maskedKey}`}>
              <FindingHeader finding={finding} client={client} />
              {finding.local && (
                <div className="local-server" role="note">
                  <p>
                    <strong>{finding.entryName}</strong> is a local server: it runs <code>{finding.local}</code> on this computer with the key in
                    its environment. Moving the key replaces it with KeyBridge&apos;s bridge to the vendor&apos;s remote endpoint
                    {finding.endpoint ? (
                      <>
                        {' '}
                        (<code>{finding.endpoint}</code>)
                      </>
                    ) : null}
                    , so a different server runs in its place.
                  </p>
                  {finding.keepLocalPossible ? (
                    <p>
                      Or keep it running: {client.label} can ask for the key once and keep it in its own secret storage. KeyBridge does not keep
                      the key then, so have it at hand.
                    </p>
                  ) : (
                    <p>
                      {client.label} reads a local server&apos;s key only from this file, so KeyBridge cannot keep this server running without it
                      there. Replace it, or leave it as it is.
                    </p>
                  )}
                  <label className="check">
                    <input type="checkbox" checked={draft.replaceLocal} onChange={(event) => edit(finding.id, { replaceLocal: event.target.checked })} /> Replace
                    the local server with the bridge to the remote endpoint
                  </label>
                </div>
              )}
              {finding.backupsHoldingKey > 0 && (
                <p className="muted">The key is also in {backupsNote(finding.backupsHoldingKey)}; moving it removes it from them.</p>
              )}
              {finding.existingProfile ? (
                <div className="inline-form">
                  <span>KeyBridge already holds this key as {finding.existingProfile}.</span>
                  <button
                    type="button"
                    className="primary"
                    disabled={working || localBlocked}
                    onClick={() => void act(finding, { action: 'use-existing', profile: finding.existingProfile ?? '', replaceLocal: draft.replaceLocal })}
                  >
                    Use the existing key &apos;{finding.existingProfile}&apos;
                  </button>
                </div>
              ) : (
                <div className="inline-form">
                  <label>
                    Profile name{' '}
                    <input value={draft.name} spellCheck={false} onChange={(event) => edit(finding.id, { name: event.target.value, named: true })} />
                  </label>
                  {!finding.endpointFromEntry && (
                    <label>
                      MCP URL{' '}
                      <input
                        type="url"
                        value={draft.endpoint}
                        placeholder="https://…/mcp"
                        spellCheck={false}
                        onChange={(event) => edit(finding.id, { endpoint: event.target.value })}
                      />
                    </label>
                  )}
                  <button
                    type="button"
                    className="primary"
                    disabled={working || localBlocked || draft.name.trim() === '' || (!finding.endpointFromEntry && draft.endpoint.trim() === '')}
                    onClick={() =>
                      void act(finding, {
                        action: 'move',
                        profile: draft.name.trim(),
                        ...(finding.endpointFromEntry ? {} : { endpoint: draft.endpoint.trim() }),
                        replaceLocal: draft.replaceLocal,
                      })
                    }
                  >
                    Move into KeyBridge
                  </button>
                </div>
              )}
              <div className="inline-form">
                {finding.keepLocalPossible && (
                  <button type="button" disabled={working} onClick={() => void act(finding, { action: 'keep-local' })}>
                    Keep the local server, take the key out of the file
                  </button>
                )}
                <button type="button" className="link-button" disabled={working} onClick={() => leave(finding)}>
                  Leave it
                </button>
              </div>
              <InlineError message={errors[finding.id] ?? null} />
            </li>
          );
        })}
      </ul>
      <InlineError message={scanFailure} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}

function FindingHeader({ finding, client }: { finding: Finding; client: ClientView }) {
  return (
    <>
      <p>
        <strong>{finding.entryName}</strong> · {VENDORS[finding.vendor].label} · <code>{finding.maskedKey}</code>{' '}
        <span className="muted">
          ({finding.where}
          {finding.scope ? `, ${finding.scope}` : ''})
        </span>
      </p>
      {finding.configPath !== client.configPath && (
        <p className="muted">
          in <code>{finding.configPath}</code>
        </p>
      )}
    </>
  );
}
