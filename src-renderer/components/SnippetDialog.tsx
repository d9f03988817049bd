// The config entry an assistant needs for a profile: shown, copied by main, or installed by
// the client's own deep link — which main builds and opens itself (the page never hands main
// a deep link to open).
import { useEffect, useState } from 'react';
import { api, messageOf, unwrap } from '../api';
import type { ClientView, Snippet } from '../../src-shared/ipc-contract';
import { Dialog } from './Dialog';
import { InlineError, Loading } from './States';

interface SnippetDialogProps {
  client: ClientView;
  profile: string;
  onClose: () => void;
}

export function SnippetDialog({ client, profile, onClose }: SnippetDialogProps) {
  const [snippet, setSnippet] = useState<Snippet | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const { id, projectDir } = client;
  const target = projectDir ? { client: id, projectDir } : { client: id };

  useEffect(() => {
    let live = true;
    unwrap(api().clients.snippet(projectDir ? { client: id, projectDir, profile } : { client: id, profile })).then(
      (value) => live && setSnippet(value),
      (loadError: unknown) => live && setError(messageOf(loadError)),
    );
    return () => {
      live = false;
    };
  }, [id, projectDir, profile]);

  const copy = async () => {
    setError(null);
    try {
      await unwrap(api().clients.copySnippet({ ...target, profile }));
      setCopied(true);
    } catch (copyError) {
      setError(messageOf(copyError));
    }
  };

  const install = async () => {
    setError(null);
    try {
      await unwrap(api().clients.openInstallLink({ ...target, profile }));
    } catch (installError) {
      setError(messageOf(installError));
    }
  };

  return (
    <Dialog title={`${client.label} · ${profile}`} onClose={onClose} wide>
      <p className="muted">
        Add this to <code>{client.configPath}</code>. The entry names the key; it never contains it.
      </p>
      {!snippet && !error && <Loading what="the snippet" />}
      {snippet && (
        <pre className="snippet" tabIndex={0} aria-label="Config snippet">
          {snippet.json}
        </pre>
      )}
      <InlineError message={error} />
      <div className="dialog-actions">
        {snippet?.deepLink && (
          <button type="button" onClick={() => void install()}>
            Install with a link
          </button>
        )}
        <button type="button" className="primary" disabled={!snippet} onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="sr-only" role="status">
        {copied ? 'Snippet copied to the clipboard.' : ''}
      </p>
    </Dialog>
  );
}
