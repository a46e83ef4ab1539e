import { useState, type ReactNode } from 'react';

/**
 * A button that asks before acting: the first click shows `question` with a
 * confirm and a cancel button in place (no modal, keyboard reachable; focus
 * moves to the confirm button). `onConfirm` runs on the second click.
 */
export function InlineConfirm({ label, subject, question, confirmLabel, onConfirm, disabled, danger = true }: {
  /** The button's text (may hold a visually hidden part naming the subject). */
  label: ReactNode;
  /** What is acted on, read by screen readers after the label (e.g. "Revoke" + " k8s-prod"). */
  subject?: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => unknown;
  disabled?: boolean;
  danger?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={danger ? 'danger' : undefined} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
        {subject && <span className="visually-hidden"> {subject}</span>}
      </button>
    );
  }
  return (
    <span className="inline-confirm" role="group" aria-label={typeof question === 'string' ? question : `${typeof label === 'string' ? label : ''}${subject ? ` ${subject}` : ''}`}>
      <span>{question}</span>{' '}
      <button
        type="button"
        className={danger ? 'danger' : 'primary'}
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
