// Things main wants the user to know (e.g. a corrupt store was moved aside).
import { api } from '../api';
import { useLive } from '../hooks/useLive';

export function NoticesBanner() {
  const notices = useLive(api().notices.list, api().notices.onChanged);
  const dismiss = async (id: string) => {
    await api().notices.dismiss(id);
    await notices.reload();
  };
  if (!notices.data || notices.data.length === 0) return null;
  return (
    <section className="notices" aria-label="Notices">
      {notices.data.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`} role={notice.level === 'info' ? 'status' : 'alert'}>
          <p>{notice.message}</p>
          <button type="button" className="link-button" onClick={() => void dismiss(notice.id)}>
            Dismiss
          </button>
        </div>
      ))}
    </section>
  );
}
