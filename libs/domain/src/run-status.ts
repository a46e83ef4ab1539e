/** Lifecycle of a run: QUEUED → STARTING → STARTED → SUCCESS | FAILURE | CANCELED. */
export const RUN_STATUSES = ['QUEUED', 'STARTING', 'STARTED', 'SUCCESS', 'FAILURE', 'CANCELING', 'CANCELED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses a run never leaves. */
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(['SUCCESS', 'FAILURE', 'CANCELED']);

/** True for SUCCESS, FAILURE and CANCELED. */
export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.has(status);
}
