import { createHash } from 'node:crypto';

/** Label keys Gantry puts on every run Job and its pod. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  organization: 'gantry.dev/organization',
  deployment: 'gantry.dev/deployment',
  codeLocation: 'gantry.dev/code-location',
  run: 'gantry.dev/run',
  agent: 'gantry.dev/agent',
} as const;

/** Annotation keys holding exact (unsanitized) values labels cannot carry. */
export const ANNOTATIONS = {
  runId: 'gantry.dev/run-id',
  deployment: 'gantry.dev/deployment',
  codeLocation: 'gantry.dev/code-location',
  codeLocationVersion: 'gantry.dev/code-location-version',
} as const;

/** Value of {@link LABELS.managedBy} on Gantry's Jobs. */
export const MANAGED_BY = 'gantry-agent';

const shortHash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 8);

/**
 * A label value for any string (Kubernetes label syntax: at most 63
 * characters of `[A-Za-z0-9._-]`, beginning and ending alphanumeric, or
 * empty). Other characters become `-`; values that had to be shortened end in
 * `-<8 hex of the SHA-256 of the original>` so distinct inputs stay distinct.
 */
export function toLabelValue(value: string): string {
  let v = value.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
  if (v.length > 63) v = `${v.slice(0, 54).replace(/[^A-Za-z0-9]+$/, '')}-${shortHash(value)}`;
  return v;
}

/**
 * The Job name of a run: `gantry-run-<run id>` as a DNS-1123 label (lower
 * case alphanumerics and `-`, at most 63 characters, since the Job controller
 * copies it into the pod's `job-name` label), with a hash suffix when shortened.
 */
export function jobNameFor(runId: string): string {
  const base = `gantry-run-${runId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.replace(/-+$/, '');
  if (base.length <= 63 && base === `gantry-run-${runId}`) return base;
  return `${base.slice(0, 54).replace(/-+$/, '')}-${shortHash(runId)}`;
}

/** `k=v,k2=v2` equality label selector (values already label-safe). */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
