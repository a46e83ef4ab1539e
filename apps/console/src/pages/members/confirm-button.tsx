import { useState, type ReactNode } from 'react';

/**
 * A destructive action behind an inline confirmation: the first click asks
 * `question` with "Yes, …" and "Cancel" buttons; only "Yes" runs `onConfirm`.
 * Inline rather than `window.confirm` so it is styled, labelled and testable.
 */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, disabled }: {
  label: ReactNode;
  question: string;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>{' '}
      <button
        type="button"
        className="danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          void onConfirm();
        }}
      >
        {confirmLabel}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}
