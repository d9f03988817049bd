// "Add key": the key (typed or pasted through main), its vendor detected from the prefix, the
// endpoint (prefilled for UptimeObserver), the header style and a name; "Verify & save"
// (main verifies the key against the endpoint before it stores it).
import { useId, useState, type FormEvent } from 'react';
import { api, messageOf, unwrap } from '../api';
import { EMPTY_KEY, entryProblem, entryVendor, toKeySource, type KeyEntry } from '../keyEntry';
import { profileNameSchema, endpointSchema, type ProfileView } from '../../src-shared/profile';
import type { AuthStyle } from '../../src-shared/endpoint';
import { SUGGESTED_PROFILE_NAMES, VENDORS, vendorIdSchema, type VendorId } from '../../src-shared/vendors';
import type { ClientView, SessionView } from '../../src-shared/ipc-contract';
import { ConnectAssistants } from './ConnectAssistants';
import { Dialog } from './Dialog';
import { KeyField } from './KeyField';
import { ProbeSummary } from './ProbeSummary';
import { InlineError } from './States';

interface AddKeyDialogProps {
  existingNames: readonly string[];
  clients: readonly ClientView[];
  sessions: readonly SessionView[];
  onClose: () => void;
  onSaved: (profile: ProfileView) => void;
}

function firstIssue(result: { success: boolean; error?: { issues: { message: string }[] } }): string | null {
  return result.success ? null : (result.error?.issues[0]?.message ?? 'Invalid value.');
}

export function AddKeyDialog({ existingNames, clients, sessions, onClose, onSaved }: AddKeyDialogProps) {
  const formId = useId();
  const [entry, setEntry] = useState<KeyEntry>(EMPTY_KEY);
  const [chosenVendor, setChosenVendor] = useState<VendorId | null>(null);
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [auth, setAuth] = useState<AuthStyle | null>(null);
  const [keyPrefix, setKeyPrefix] = useState('');
  const suggestions = SUGGESTED_PROFILE_NAMES.filter((name) => !existingNames.includes(name));
  const [name, setName] = useState<string>(suggestions[0] ?? '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<ProfileView | null>(null);

  // Until the user picks a vendor, the key's prefix decides it.
  const detected = entryVendor(entry);
  const vendor: VendorId = chosenVendor ?? detected ?? 'uptimeobserver';
  const preset = VENDORS[vendor];
  const endpointValue = endpoint ?? preset.defaultEndpoint ?? '';
  const authValue: AuthStyle = vendor === 'uptimemonitoring' ? 'bearer' : (auth ?? preset.auth);
  const customPrefix = vendor === 'custom' && keyPrefix.trim() ? keyPrefix.trim() : null;

  const keyProblem = entryProblem(entry, vendor, customPrefix);
  const nameProblem = existingNames.includes(name) ? `A key named ${name} already exists.` : firstIssue(profileNameSchema.safeParse(name));
  const endpointProblem = firstIssue(endpointSchema.safeParse(endpointValue));
  const valid = !keyProblem && !nameProblem && !endpointProblem;

  const chooseVendor = (next: VendorId) => {
    setChosenVendor(next);
    setEndpoint(null);
    setAuth(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const key = toKeySource(entry);
    if (!valid || !key) return;
    setSaving(true);
    setError(null);
    try {
      const profile = await unwrap(
        api().profiles.add({ name, vendor, endpoint: endpointValue, auth: authValue, keyPrefix: customPrefix, note: '', key }),
      );
      setEntry(EMPTY_KEY); // the key is main's now; keep no copy in the page
      setSaved(profile);
      onSaved(profile);
    } catch (saveError) {
      setError(messageOf(saveError));
    } finally {
      setSaving(false);
    }
  };

  if (saved) {
    return (
      <Dialog title="Key saved" onClose={onClose}>
        <p>
          <strong>{saved.name}</strong> ({VENDORS[saved.vendor].label}, <code>{saved.key?.masked ?? 'no key'}</code>) is saved, encrypted on this
          computer.
        </p>
        {saved.lastCheck && <ProbeSummary result={saved.lastCheck} />}
        <h3 className="dialog-subtitle">Connect an assistant</h3>
        <ConnectAssistants profile={saved.name} clients={clients} sessions={sessions} />
        <div className="dialog-actions">
          <button type="button" className="primary" onClick={onClose} autoFocus>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Add key" onClose={onClose}>
      <form id={formId} onSubmit={(event) => void submit(event)} noValidate>
        <KeyField label="API key" entry={entry} onChange={setEntry} problem={keyProblem} disabled={saving} autoFocus />

        <div className="field">
          <label htmlFor={`${formId}-vendor`}>Vendor</label>
          <select
            id={`${formId}-vendor`}
            value={vendor}
            disabled={saving}
            onChange={(event) => chooseVendor(vendorIdSchema.parse(event.target.value))}
          >
            {Object.values(VENDORS).map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
              </option>
            ))}
          </select>
          {!chosenVendor && detected && <p className="hint">Detected from the key&apos;s prefix.</p>}
        </div>

        <div className="field">
          <label htmlFor={`${formId}-endpoint`}>MCP endpoint</label>
          <input
            id={`${formId}-endpoint`}
            type="url"
            value={endpointValue}
            placeholder="https://…/mcp"
            spellCheck={false}
            disabled={saving}
            aria-invalid={endpointValue && endpointProblem ? true : undefined}
            onChange={(event) => setEndpoint(event.target.value)}
          />
          {endpointValue !== '' && endpointProblem && (
            <p className="field-problem" role="alert">
              {endpointProblem}
            </p>
          )}
          {vendor === 'uptimemonitoring' && <p className="hint">Copy the MCP URL from your UptimeMonitoring settings.</p>}
        </div>

        {vendor === 'custom' && (
          <div className="field">
            <label htmlFor={`${formId}-prefix`}>Key prefix (optional)</label>
            <input id={`${formId}-prefix`} value={keyPrefix} maxLength={32} spellCheck={false} onChange={(event) => setKeyPrefix(event.target.value)} />
          </div>
        )}

        <fieldset className="field" disabled={saving || vendor === 'uptimemonitoring'}>
          <legend>Header</legend>
          <div className="choices">
            <label className="choice">
              <input type="radio" name={`${formId}-auth`} checked={authValue === 'x-api-key'} onChange={() => setAuth('x-api-key')} />
              X-API-Key
            </label>
            <label className="choice">
              <input type="radio" name={`${formId}-auth`} checked={authValue === 'bearer'} onChange={() => setAuth('bearer')} />
              Authorization: Bearer
            </label>
          </div>
          <p className="hint">{vendor === 'uptimemonitoring' ? 'UptimeMonitoring takes a Bearer token.' : 'Exactly one of the two is sent.'}</p>
        </fieldset>

        <div className="field">
          <label htmlFor={`${formId}-name`}>Name</label>
          <input
            id={`${formId}-name`}
            value={name}
            spellCheck={false}
            disabled={saving}
            aria-invalid={nameProblem ? true : undefined}
            onChange={(event) => setName(event.target.value)}
          />
          {nameProblem && (
            <p className="field-problem" role="alert">
              {nameProblem}
            </p>
          )}
          {suggestions.length > 0 && (
            <div className="chips" role="group" aria-label="Suggested names">
              {suggestions.map((suggestion) => (
                <button key={suggestion} type="button" className="chip" aria-pressed={suggestion === name} onClick={() => setName(suggestion)}>
                  {suggestion}
                </button>
              ))}
            </div>
          )}
          <p className="hint">One key per assistant or environment makes rotation and revocation easy.</p>
        </div>

        <InlineError message={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!valid || saving}>
            {saving ? 'Verifying…' : 'Verify & save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
