// The first run: plaintext keys the scan found in assistants' configs first (moving them in is
// the quickest start), then three steps: add a key (with where to get one), connect an
// assistant, see it working.
import { useState } from 'react';
import { openLink } from '../api';
import type { ClientView } from '../../src-shared/ipc-contract';
import { VENDORS } from '../../src-shared/vendors';
import { InlineError } from './States';

interface FirstRunProps {
  clients: readonly ClientView[];
  onAdd: () => void;
  onMigrate: (client: ClientView) => void;
}

const GET_A_KEY = [VENDORS.uptimeobserver, VENDORS.uptimemonitoring];

export function FirstRun({ clients, onAdd, onMigrate }: FirstRunProps) {
  const [error, setError] = useState<string | null>(null);
  const withKeys = clients.filter((client) => client.plaintextKeys > 0);
  const found = clients.filter((client) => client.state !== 'not-present' && client.projectDir === null);
  return (
    <div className="first-run">
      {withKeys.map((client) => (
        <div key={`${client.id}:${client.projectDir ?? ''}`} className="callout callout-warn" role="group" aria-label={`Keys found in ${client.label}`}>
          <p>
            <strong>
              {client.plaintextKeys === 1 ? '1 key' : `${client.plaintextKeys} keys`} found in {client.label}&apos;s config
            </strong>{' '}
            — saved there in plaintext. Move {client.plaintextKeys === 1 ? 'it' : 'them'} here: {client.label} keeps working, without the key in its
            file.
          </p>
          <button type="button" className="primary" onClick={() => onMigrate(client)}>
            Move into KeyBridge
          </button>
        </div>
      ))}
      <p className="lead">
        KeyBridge keeps your MCP API keys encrypted on this computer and lets your assistants use them without ever holding them.
      </p>
      <ol className="start-steps">
        <li className="card start-step">
          <h3>
            <span className="step-number" aria-hidden="true">
              1
            </span>
            Add a key
          </h3>
          <p className="muted">Paste an UptimeObserver, UptimeMonitoring or other MCP API key. It is checked with the vendor before it is saved.</p>
          <div className="step-actions">
            <button type="button" className={withKeys.length > 0 ? undefined : 'primary'} onClick={onAdd}>
              Add key…
            </button>
            {GET_A_KEY.map((vendor) => (
              <button key={vendor.id} type="button" className="link-button" onClick={() => void openLink(vendor.keysPageUrl ?? '').then(setError)}>
                Get a key from {vendor.label}
              </button>
            ))}
          </div>
          <InlineError message={error} />
        </li>
        <li className="card start-step">
          <h3>
            <span className="step-number" aria-hidden="true">
              2
            </span>
            Connect an assistant
          </h3>
          <p className="muted">
            {found.length > 0
              ? `Found on this computer: ${found.map((client) => client.label).join(', ')}. Once the key is saved, one click adds KeyBridge to their MCP settings.`
              : 'Once the key is saved, one click adds KeyBridge to Claude Desktop, Cursor, VS Code, Windsurf or Claude Code.'}
          </p>
        </li>
        <li className="card start-step">
          <h3>
            <span className="step-number" aria-hidden="true">
              3
            </span>
            See it working
          </h3>
          <p className="muted">Ask your assistant about your monitors. The key&apos;s card shows which assistant uses it and when it last did.</p>
        </li>
      </ol>
    </div>
  );
}
