// Edit a key's settings that are not the key itself: its name, the MCP endpoint, the header and
// a note. A new name is carried into the assistants' configs by main.
import { useId, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api';
import { useAction } from '../hooks/useAction';
import type { AuthStyle } from '../../src-shared/endpoint';
import { profileNameSchema } from '../../src-shared/agent-protocol';
import { endpointSchema, type ProfileView } from '../../src-shared/profile';
import { Dialog } from './Dialog';
import { InlineError } from './States';

export function EditKeyDialog({ profile, onClose }: { profile: ProfileView; onClose: () => void }) {
  const id = useId();
  const [name, setName] = useState(profile.name);
  const [endpoint, setEndpoint] = useState(profile.endpoint);
  const [auth, setAuth] = useState<AuthStyle>(profile.auth);
  const [note, setNote] = useState(profile.note);
  const { busy, error, run } = useAction();
  const nameCheck = profileNameSchema.safeParse(name);
  const nameProblem = nameCheck.success ? null : (nameCheck.error.issues[0]?.message ?? 'Invalid name.');
  const parsed = endpointSchema.safeParse(endpoint);
  const endpointProblem = parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Invalid URL.');
  const fixedHeader = profile.vendor === 'uptimemonitoring';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (endpointProblem || nameProblem) return;
    void run(async () => {
      await unwrap(api().profiles.update({ name: profile.name, endpoint, auth, note }));
      if (name !== profile.name) await unwrap(api().profiles.rename({ name: profile.name, newName: name }));
      onClose();
    });
  };

  return (
    <Dialog title={`Edit ${profile.name}`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            value={name}
            spellCheck={false}
            autoFocus
            data-autofocus
            aria-invalid={nameProblem ? true : undefined}
            onChange={(event) => setName(event.target.value.trim())}
          />
          {nameProblem && (
            <p className="field-problem" role="alert">
              {nameProblem}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-endpoint`}>MCP endpoint</label>
          <input
            id={`${id}-endpoint`}
            type="url"
            value={endpoint}
            spellCheck={false}
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
        <p className="hint">A new name is written into the assistants&apos; configs too; restart them to use it. To change the key itself, use Rotate or Re-enter.</p>
        <InlineError message={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || endpointProblem !== null || nameProblem !== null}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
