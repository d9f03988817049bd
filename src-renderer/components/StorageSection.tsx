// How keys are stored, said once, and the Linux opt-in for weaker storage.
import { api } from '../api';
import { useLive } from '../hooks/useLive';
import { ErrorState, Loading } from './States';
import { Toggle } from './Toggle';

const MODES = { keychain: 'Encrypted by the system keychain', weak: 'Weaker storage (allowed by you)', unavailable: 'No encryption available' } as const;

/** Electron's names for Linux secret stores, as people know them. */
const BACKENDS: Record<string, string> = {
  gnome_libsecret: 'GNOME Keyring',
  kwallet: 'KWallet',
  kwallet5: 'KWallet 5',
  kwallet6: 'KWallet 6',
  basic_text: 'no keyring',
};

interface StorageSectionProps {
  allowWeakStorage: boolean;
  onChange: (allow: boolean) => Promise<unknown>;
}

export function StorageSection({ allowWeakStorage, onChange }: StorageSectionProps) {
  const storage = useLive(api().settings.storage);
  const reload = storage.reload;
  const backend = storage.data?.backend ? (BACKENDS[storage.data.backend] ?? storage.data.backend) : null;
  return (
    <div className="card settings-group">
      <h3>Key storage</h3>
      {storage.status === 'loading' && <Loading what="storage status" />}
      {storage.status === 'error' && <ErrorState message={storage.error} onRetry={() => void reload()} />}
      {storage.data && (
        <>
          <p>
            <span className={`badge badge-${storage.data.mode === 'keychain' ? 'ok' : 'bad'}`}>{MODES[storage.data.mode]}</span>
            {backend && <span className="muted"> {backend}</span>}
          </p>
          {/* The explanation adds to the badge only when keys are not (fully) protected. */}
          {storage.data.mode !== 'keychain' && <p className="storage-explanation">{storage.data.explanation}</p>}
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
