/** A run (or check) status as a coloured badge whose text carries the meaning; colour only repeats it. */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`status status-${status}`}>{label ?? status}</span>;
}
