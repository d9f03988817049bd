// The four screens, as tabs (arrow keys move between them, like any tab list).
import type { KeyboardEvent } from 'react';

export const SCREENS = [
  { id: 'keys', label: 'Keys' },
  { id: 'clients', label: 'Assistants' },
  { id: 'activity', label: 'Activity' },
  { id: 'settings', label: 'Settings' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

export function NavTabs({ current, onSelect }: { current: ScreenId; onSelect: (screen: ScreenId) => void }) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const index = SCREENS.findIndex((screen) => screen.id === current);
    const next = SCREENS[(index + step + SCREENS.length) % SCREENS.length];
    if (!next) return;
    onSelect(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  };
  return (
    <nav className="nav" aria-label="Screens">
      <div role="tablist" aria-orientation="vertical" onKeyDown={onKeyDown}>
        {SCREENS.map((screen) => (
          <button
            key={screen.id}
            id={`tab-${screen.id}`}
            type="button"
            role="tab"
            aria-selected={screen.id === current}
            aria-controls="screen"
            tabIndex={screen.id === current ? 0 : -1}
            className="nav-tab"
            onClick={() => onSelect(screen.id)}
          >
            {screen.label}
          </button>
        ))}
      </div>
    </nav>
  );
}
