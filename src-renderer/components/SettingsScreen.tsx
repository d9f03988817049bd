// Settings: start-up and logs, approval prompts and remembered decisions, key storage and the
// network. One save model: every change is saved as it is made.
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

const LOG_LEVELS: Record<Settings['logLevel'], string> = { error: 'Errors only', warn: 'Warnings', info: 'Normal', debug: 'Everything (debug)' };

/** `home`: the user's home folder, to show programs' paths as ~/… (null when unknown). */
export function SettingsScreen({ home = null }: { home?: string | null }) {
  const settings = useLive(api().settings.get, api().settings.onChanged);
  const [error, setError] = useState<string | null>(null);
  const [logsError, setLogsError] = useState<string | null>(null);

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
              hint="Assistants start KeyBridge when they need it, but starting it at login avoids the wait."
              checked={settings.data.launchAtLogin}
              onChange={(launchAtLogin) => void update({ launchAtLogin })}
            />
            <fieldset className="field">
              <legend>Log detail</legend>
              <div className="choices">
                {logLevelSchema.options.map((level) => (
                  <label key={level} className="choice">
                    <input type="radio" name="log-level" checked={settings.data?.logLevel === level} onChange={() => void update({ logLevel: level })} />
                    {LOG_LEVELS[level]}
                  </label>
                ))}
              </div>
              <p className="hint">
                Keys never appear in the logs.{' '}
                <button type="button" className="link-button" onClick={() => void api().app.openLogs().then((r) => (r.ok ? null : setLogsError(r.error)))}>
                  Open logs
                </button>
              </p>
              <InlineError message={logsError} />
            </fieldset>
          </div>
          <div className="card settings-group">
            <h3>Approvals</h3>
            <Toggle
              label="Ask before a new assistant uses a key"
              hint="The first time an assistant asks for a key, you are asked; your answer is remembered below. Connecting an assistant here counts as your yes."
              checked={settings.data.approvalPrompts}
              onChange={(approvalPrompts) => void update({ approvalPrompts })}
            />
            <DecisionsList home={home} />
          </div>
          <StorageSection allowWeakStorage={settings.data.allowWeakStorage} onChange={(allowWeakStorage) => update({ allowWeakStorage })} />
          <NetworkForm network={settings.data.network} onSave={(network) => update({ network })} />
        </>
      )}
    </section>
  );
}
