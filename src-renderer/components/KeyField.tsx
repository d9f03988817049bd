// The API key field: a password-style input (typing or Ctrl+V) plus a Paste button that lets
// main read the clipboard, so that key never enters the page (we get it masked).
import { useId, useState } from 'react';
import { api, messageOf, unwrap } from '../api';
import { EMPTY_KEY, type KeyEntry } from '../keyEntry';
import { InlineError } from './States';

interface KeyFieldProps {
  label: string;
  entry: KeyEntry;
  onChange: (entry: KeyEntry) => void;
  /** The validation message for the current entry, or null. Shown once something was entered. */
  problem: string | null;
  disabled?: boolean;
  /** Focus the field when it appears (the dialog's first thing to do). */
  autoFocus?: boolean;
}

export function KeyField({ label, entry, onChange, problem, disabled = false, autoFocus = false }: KeyFieldProps) {
  const id = useId();
  const [pasteError, setPasteError] = useState<string | null>(null);
  const [pasting, setPasting] = useState(false);
  const shownProblem = entry.kind === 'empty' ? null : problem;

  const paste = async () => {
    setPasteError(null);
    setPasting(true);
    try {
      onChange({ kind: 'clipboard', pasted: await unwrap(api().clipboard.pasteKey()) });
    } catch (error) {
      setPasteError(messageOf(error));
    } finally {
      setPasting(false);
    }
  };

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {entry.kind === 'clipboard' ? (
        <div className="key-from-clipboard">
          <output id={id} className="masked-key">
            {entry.pasted.masked}
          </output>
          <span className="muted">from the clipboard</span>
          <button type="button" className="link-button" disabled={disabled} onClick={() => onChange(EMPTY_KEY)}>
            Use another key
          </button>
        </div>
      ) : (
        <div className="key-input-row">
          <input
            id={id}
            type="password"
            className="key-input"
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            placeholder="uo_… or umk_live_…"
            value={entry.kind === 'typed' ? entry.value : ''}
            disabled={disabled}
            autoFocus={autoFocus}
            data-autofocus={autoFocus ? '' : undefined}
            aria-invalid={shownProblem ? true : undefined}
            aria-describedby={shownProblem ? `${id}-problem` : undefined}
            onChange={(event) => onChange(event.target.value === '' ? EMPTY_KEY : { kind: 'typed', value: event.target.value })}
          />
          <button type="button" disabled={disabled || pasting} onClick={() => void paste()}>
            Paste
          </button>
        </div>
      )}
      {shownProblem && (
        <p id={`${id}-problem`} className="field-problem" role="alert">
          {shownProblem}
        </p>
      )}
      <InlineError message={pasteError} />
    </div>
  );
}
