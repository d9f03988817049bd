// The proxy and extra CA bundle bridges use: assistants' launchers drop such environment
// variables, so KeyBridge hands them to each bridge itself.
import { useState, type FormEvent } from 'react';
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
  const [proxy, setProxy] = useState(network.proxy ?? '');
  const [noProxy, setNoProxy] = useState(network.noProxy ?? '');
  const [extraCaCerts, setExtraCaCerts] = useState(network.extraCaCerts ?? '');
  const [saved, setSaved] = useState(false);
  const proxyProblem = proxy.trim() !== '' && !/^https?:\/\/[^\s/]+/.test(proxy.trim()) ? 'Enter the proxy as http://host:port.' : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (proxyProblem) return;
    setSaved(false);
    setSaved(await onSave({ proxy: orUndefined(proxy), noProxy: orUndefined(noProxy), extraCaCerts: orUndefined(extraCaCerts) }));
  };

  return (
    <form className="card settings-group" onSubmit={(event) => void submit(event)} noValidate>
      <h3>Network for bridges</h3>
      <div className="field">
        <label htmlFor="net-proxy">Proxy</label>
        <input id="net-proxy" value={proxy} placeholder="http://proxy.corp:3128" spellCheck={false} onChange={(event) => setProxy(event.target.value)} />
        {proxyProblem && (
          <p className="field-problem" role="alert">
            {proxyProblem}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="net-no-proxy">No proxy for</label>
        <input id="net-no-proxy" value={noProxy} placeholder="localhost,.corp" spellCheck={false} onChange={(event) => setNoProxy(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="net-ca">Extra CA certificates (PEM file)</label>
        <input id="net-ca" value={extraCaCerts} placeholder="/etc/ssl/corp-ca.pem" spellCheck={false} onChange={(event) => setExtraCaCerts(event.target.value)} />
      </div>
      <div className="dialog-actions">
        {saved && (
          <span className="muted" role="status">
            Saved.
          </span>
        )}
        <button type="submit" className="primary" disabled={proxyProblem !== null}>
          Save network settings
        </button>
      </div>
    </form>
  );
}
