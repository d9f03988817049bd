// Things main wants the user to know (e.g. a store that could not be read was moved aside),
// each with its own action where it has one ("Show the old file") besides Dismiss.
import { useState } from 'react';
import { api, unwrap } from '../api';
import { useLive } from '../hooks/useLive';
import type { Notice } from '../../src-shared/ipc-contract';
import { InlineError } from './States';

const ACTIONS: Record<NonNullable<Notice['action']>, string> = { 'show-file': 'Show the old file' };

export function NoticesBanner() {
  const notices = useLive(api().notices.list, api().notices.onChanged);
  const [error, setError] = useState<string | null>(null);
  const dismiss = async (id: string) => {
    await api().notices.dismiss(id);
    await notices.reload();
  };
  const act = async (id: string) => {
    setError(null);
    try {
      await unwrap(api().notices.act(id));
    } catch (actError) {
      setError(actError instanceof Error ? actError.message : String(actError));
    }
  };
  if (!notices.data || notices.data.length === 0) return null;
  return (
    <section className="notices" aria-label="Notices">
      {notices.data.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`} role={notice.level === 'info' ? 'status' : 'alert'}>
          <p>{notice.message}</p>
          <div className="notice-actions">
            {notice.action && (
              <button type="button" onClick={() => void act(notice.id)}>
                {ACTIONS[notice.action]}
              </button>
            )}
            <button type="button" className="link-button" onClick={() => void dismiss(notice.id)}>
              Dismiss
            </button>
          </div>
        </div>
      ))}
      <InlineError message={error} />
    </section>
  );
}
