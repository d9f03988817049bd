// Settings: start-up, approval prompts and remembered decisions, key storage, the network
// settings bridges use, and the log level.
import { useState } from 'react';
import { api, messageOf, unwrap } from '../api';
import { useLive } from '../hooks/useLive';
import type { Settings } from '../../src-shared/ipc-contract';
import { logLevelSchema } from '../../src-shared/ipc-contract';
import { DecisionsList } from './DecisionsList';
import { NetworkForm } from './NetworkForm';
import { ErrorState, InlineError, Loading } from './States';
import { StorageSection } from './StorageSection';
import { Toggle } from './Toggle';

export function SettingsScreen() {
  const settings = useLive(api().settings.get, api().settings.onChanged);
  const [error, setError] = useState<string | null>(null);

  /** Saves a change; true once main has stored it. */
  const update = async (patch: Partial<Settings>): Promise<boolean> => {
    setError(null);
    try {
      await unwrap(api().settings.update(patch));
      await settings.reload();
      return true;
    } catch (updateError) {
      setError(messageOf(updateError));
      return false;
    }
  };

  return (
    <section className="screen" aria-labelledby="settings-title">
      <header className="screen-header">
        <h2 id="settings-title">Settings</h2>
      </header>
      {settings.status === 'loading' && <Loading what="settings" />}
      {settings.status === 'error' && !settings.data && <ErrorState message={settings.error} onRetry={() => void settings.reload()} />}
      <InlineError message={error} />
      {settings.data && (
        <>
          <div className="card settings-group">
            <h3>General</h3>
            <Toggle
              label="Launch KeyBridge at login"
              hint="Bridges start the app when they need it, but running it at login avoids the wait."
              checked={settings.data.launchAtLogin}
              onChange={(launchAtLogin) => void update({ launchAtLogin })}
            />
            <div className="field">
              <label htmlFor="log-level">Log level</label>
              <select
                id="log-level"
                value={settings.data.logLevel}
                onChange={(event) => void update({ logLevel: logLevelSchema.parse(event.target.value) })}
              >
                {logLevelSchema.options.map((level) => (
                  <option key={level} value={level}>
                    {level}
                  </option>
                ))}
              </select>
              <p className="hint">Logs are redacted: keys never appear in them.</p>
            </div>
          </div>
          <div className="card settings-group">
            <h3>Approvals</h3>
            <Toggle
              label="Ask before a new assistant uses a key"
              hint="The first time a program asks for a key, KeyBridge asks you; your answer is remembered below."
              checked={settings.data.approvalPrompts}
              onChange={(approvalPrompts) => void update({ approvalPrompts })}
            />
            <DecisionsList />
          </div>
          <StorageSection allowWeakStorage={settings.data.allowWeakStorage} onChange={(allowWeakStorage) => update({ allowWeakStorage })} />
          <NetworkForm network={settings.data.network} onSave={(network) => update({ network })} />
        </>
      )}
    </section>
  );
}
