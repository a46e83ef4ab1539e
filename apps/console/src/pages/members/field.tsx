import { useId, type ReactNode } from 'react';

/**
 * A labelled form control: the label is tied to the control by id rather
 * than wrapping it, so the control's accessible name is exactly `label`
 * (a wrapping label would add a select's current option to the name).
 */
export function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
