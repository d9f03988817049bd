// The proxy and extra CA bundle used to reach the vendors. Like every other setting it saves by
// itself: a field is saved when it loses focus (or on Enter) if it changed and is valid.
import { useId, useState, type FormEvent } from 'react';
import type { NetworkSettings } from '../../src-shared/endpoint';

interface NetworkFormProps {
  network: NetworkSettings;
  /** Resolves true once main has stored it. */
  onSave: (network: NetworkSettings) => Promise<boolean>;
}

function orUndefined(value: string): string | undefined {
  return value.trim() === '' ? undefined : value.trim();
}

export function NetworkForm({ network, onSave }: NetworkFormProps) {
  const id = useId();
  const [proxy, setProxy] = useState(network.proxy ?? '');
  const [noProxy, setNoProxy] = useState(network.noProxy ?? '');
  const [extraCaCerts, setExtraCaCerts] = useState(network.extraCaCerts ?? '');
  const [saved, setSaved] = useState(false);
  const proxyProblem = proxy.trim() !== '' && !/^https?:\/\/[^\s/]+/.test(proxy.trim()) ? 'Enter the proxy as http://host:port.' : null;
  const next: NetworkSettings = { proxy: orUndefined(proxy), noProxy: orUndefined(noProxy), extraCaCerts: orUndefined(extraCaCerts) };
  const changed = next.proxy !== network.proxy || next.noProxy !== network.noProxy || next.extraCaCerts !== network.extraCaCerts;

  const save = async () => {
    if (proxyProblem || !changed) return;
    setSaved(false);
    setSaved(await onSave(next));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save();
  };

  return (
    <form className="card settings-group" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Network</h3>
      <p className="hint">Assistants do not pass on proxy settings, so KeyBridge uses these to reach the vendors.</p>
      <div className="field">
        <label htmlFor="net-proxy">Proxy</label>
        <input
          id="net-proxy"
          value={proxy}
          placeholder="http://proxy.corp:3128"
          spellCheck={false}
          aria-invalid={proxyProblem ? true : undefined}
          onChange={(event) => setProxy(event.target.value)}
          onBlur={() => void save()}
        />
        {proxyProblem && (
          <p className="field-problem" role="alert">
            {proxyProblem}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="net-no-proxy">No proxy for</label>
        <input id="net-no-proxy" value={noProxy} placeholder="localhost,.corp" spellCheck={false} onChange={(event) => setNoProxy(event.target.value)} onBlur={() => void save()} />
      </div>
      <div className="field">
        <label htmlFor="net-ca">Extra CA certificates (PEM file)</label>
        <input
          id="net-ca"
          value={extraCaCerts}
          placeholder="/etc/ssl/corp-ca.pem"
          spellCheck={false}
          onChange={(event) => setExtraCaCerts(event.target.value)}
          onBlur={() => void save()}
        />
      </div>
      <p className="muted save-state" role="status">
        {saved && !changed ? 'Saved.' : ''}
      </p>
      {/* Enter in a field saves, as leaving it does. */}
      <button type="submit" className="sr-only" tabIndex={-1}>
        Save
      </button>
    </form>
  );
}
