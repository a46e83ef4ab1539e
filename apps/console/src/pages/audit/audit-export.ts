/**
 * Downloads the organization's audit log in `format` through the export
 * endpoint (`/api/orgs/:org/audit-events.<format>`), which needs the bearer
 * token, so it is fetched here and saved from an object URL with an
 * `<a download>`. Errors: rejects with the server's message on a non-2xx answer.
 */
export async function downloadAuditExport(options: {
  org: string;
  format: 'ndjson' | 'csv';
  filter: Record<string, string>;
  token: string;
}): Promise<void> {
  const query = new URLSearchParams(options.filter).toString();
  const url = `/api/orgs/${encodeURIComponent(options.org)}/audit-events.${options.format}${query ? `?${query}` : ''}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${options.token}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: string; code?: string } | null;
    throw new Error(body?.error ? `${body.error}${body.code ? ` (${body.code})` : ''}` : `HTTP ${res.status}`);
  }
  const blob = await res.blob();
  const objectUrl = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = objectUrl;
  a.download = `${options.org}-audit-events.${options.format}`;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled; revoking synchronously can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
}
