/** The audit log's filters as the URL query holds them (the names of `AuditEventFilterInput` and of the export's parameters). */
export interface AuditFilters {
  action: string;
  actor: string;
  targetType: string;
  targetId: string;
  /** `datetime-local` values (local time, `YYYY-MM-DDTHH:mm`); empty for none. */
  from: string;
  to: string;
}

export const FILTER_KEYS = ['action', 'actor', 'targetType', 'targetId', 'from', 'to'] as const;

/** Reads the filters from a URL query. */
export function filtersFromSearch(search: URLSearchParams): AuditFilters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, search.get(k) ?? ''])) as unknown as AuditFilters;
}

/** The URL query of `filters` (only the given ones). */
export function searchOfFilters(filters: AuditFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filters[k].trim()) out.set(k, filters[k].trim());
  return out;
}

/** A local `datetime-local` value as an ISO date-time (UTC); undefined when empty or invalid. */
function iso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * The filters as the server takes them, both for `auditEvents(filter:)` and
 * for the export's query string: trimmed, empty ones left out, times as ISO.
 */
export function serverFilter(filters: AuditFilters): Partial<Record<(typeof FILTER_KEYS)[number], string>> {
  const out: Partial<Record<(typeof FILTER_KEYS)[number], string>> = {};
  for (const k of ['action', 'actor', 'targetType', 'targetId'] as const) if (filters[k].trim()) out[k] = filters[k].trim();
  const from = iso(filters.from);
  const to = iso(filters.to);
  if (from) out.from = from;
  if (to) out.to = to;
  return out;
}
