// How keys are stored, in main's own honest words, and the Linux opt-in for weaker storage.
import { api } from '../api';
import { useLive } from '../hooks/useLive';
import { ErrorState, Loading } from './States';
import { Toggle } from './Toggle';

const MODES = { keychain: 'Encrypted by the system keychain', weak: 'Weaker storage (allowed by you)', unavailable: 'No encryption available' } as const;

interface StorageSectionProps {
  allowWeakStorage: boolean;
  onChange: (allow: boolean) => Promise<unknown>;
}

export function StorageSection({ allowWeakStorage, onChange }: StorageSectionProps) {
  const storage = useLive(api().settings.storage);
  const reload = storage.reload;
  return (
    <div className="card settings-group">
      <h3>Key storage</h3>
      {storage.status === 'loading' && <Loading what="storage status" />}
      {storage.status === 'error' && <ErrorState message={storage.error} onRetry={() => void reload()} />}
      {storage.data && (
        <>
          <p>
            <span className={`badge badge-${storage.data.mode === 'keychain' ? 'ok' : 'bad'}`}>{MODES[storage.data.mode]}</span>
            {storage.data.backend && <span className="muted"> ({storage.data.backend})</span>}
          </p>
          <p className="storage-explanation">{storage.data.explanation}</p>
          {storage.data.mode !== 'keychain' && (
            <Toggle
              label="Allow weaker storage on this computer"
              hint="Without a keyring, keys are only obfuscated on disk: any program running as you could read them."
              checked={allowWeakStorage}
              onChange={(allow) => void onChange(allow).then(reload)}
            />
          )}
        </>
      )}
    </div>
  );
}
