// Edit a key's settings that are not the key itself: the MCP endpoint, the header and a note.
import { useId, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api';
import { useAction } from '../hooks/useAction';
import type { AuthStyle } from '../../src-shared/endpoint';
import { endpointSchema, type ProfileView } from '../../src-shared/profile';
import { Dialog } from './Dialog';
import { InlineError } from './States';

export function EditKeyDialog({ profile, onClose }: { profile: ProfileView; onClose: () => void }) {
  const id = useId();
  const [endpoint, setEndpoint] = useState(profile.endpoint);
  const [auth, setAuth] = useState<AuthStyle>(profile.auth);
  const [note, setNote] = useState(profile.note);
  const { busy, error, run } = useAction();
  const parsed = endpointSchema.safeParse(endpoint);
  const endpointProblem = parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Invalid URL.');
  const fixedHeader = profile.vendor === 'uptimemonitoring';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (endpointProblem) return;
    void run(async () => {
      await unwrap(api().profiles.update({ name: profile.name, endpoint, auth, note }));
      onClose();
    });
  };

  return (
    <Dialog title={`Edit ${profile.name}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-endpoint`}>MCP endpoint</label>
          <input
            id={`${id}-endpoint`}
            type="url"
            value={endpoint}
            spellCheck={false}
            autoFocus
            data-autofocus
            aria-invalid={endpointProblem ? true : undefined}
            onChange={(event) => setEndpoint(event.target.value)}
          />
          {endpointProblem && (
            <p className="field-problem" role="alert">
              {endpointProblem}
            </p>
          )}
        </div>
        <fieldset className="field" disabled={fixedHeader}>
          <legend>Header</legend>
          <div className="choices">
            <label className="choice">
              <input type="radio" name={`${id}-auth`} checked={auth === 'x-api-key'} onChange={() => setAuth('x-api-key')} />
              X-API-Key
            </label>
            <label className="choice">
              <input type="radio" name={`${id}-auth`} checked={auth === 'bearer'} onChange={() => setAuth('bearer')} />
              Authorization: Bearer
            </label>
          </div>
          {fixedHeader && <p className="hint">UptimeMonitoring takes a Bearer token.</p>}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-note`}>Note</label>
          <input id={`${id}-note`} value={note} maxLength={500} onChange={(event) => setNote(event.target.value)} />
        </div>
        <p className="hint">The name stays: assistants&apos; configs refer to it. To change the key itself, use Rotate or Re-enter.</p>
        <InlineError message={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || endpointProblem !== null}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
