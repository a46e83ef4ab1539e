/** A "kind:id" reference (createdBy, invitedBy, actors) in words, using member emails where known. */
export function principalLabel(ref: string | null | undefined, emailByUserId: ReadonlyMap<string, string>): string {
  if (!ref) return '—';
  const [kind, id = ''] = ref.split(':', 2) as [string, string?];
  if (kind === 'user') return emailByUserId.get(id) ?? `user ${id.slice(0, 8)}`;
  if (kind === 'api_token') return `API token ${id.slice(0, 8)}`;
  return ref;
}

/** Formats an ISO date-time for tables (local time, minutes); "—" for none. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
