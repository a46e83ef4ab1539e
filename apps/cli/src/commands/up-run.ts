import type { GantryApi } from '../util/graphql-client';

/** The last line of `npm run demo`: one JSON object. */
export interface RunSummary {
  runId: string;
  status: string;
  materializations: number;
  checksPassed: number;
  checksFailed: number;
  /** Wall time from `gantry up` start to the run's end, seconds. */
  seconds: number;
  runSeconds: number;
  failureReason?: string | null;
}

interface RunEventView {
  seq: number;
  type: string;
  level: string | null;
  message: string | null;
  assetKey: string | null;
  payload: Record<string, unknown> | null;
}

const TERMINAL = new Set(['SUCCESS', 'FAILURE', 'CANCELED']);

/**
 * Launches every asset of the `flights` code location over its full partition
 * range, prints progress from the live event subscription, and returns the
 * summary once the run is terminal.
 */
export async function launchAndFollow(api: GantryApi, startedAt: number, step: (m: string) => void): Promise<RunSummary> {
  const { assets } = await api.request<{ assets: { key: string; codeLocation: { name: string } | null; partitionKeys: string[] | null }[] }>(
    '{ assets { key codeLocation { name } partitionKeys } }',
  );
  const flights = assets.filter((a) => a.codeLocation?.name === 'flights');
  const partitions = flights.find((a) => a.partitionKeys?.length)?.partitionKeys ?? [];
  const range = partitions.length ? { start: partitions[0], end: partitions[partitions.length - 1] } : undefined;
  const launched = await api.request<{ launchRun: { id: string } }>(
    'mutation($input: LaunchRunInput!) { launchRun(input: $input) { id } }',
    { input: { assetKeys: flights.map((a) => a.key), ...(range && { partitionRange: range }) } },
  );
  const runId = launched.launchRun.id;
  const runStart = Date.now();
  step(`launched run ${runId} for ${flights.length} assets${range ? ` (partitions ${range.start}…${range.end})` : ''}`);

  let materializations = 0;
  let checksPassed = 0;
  let checksFailed = 0;
  const sub = api.subscribe<{ runEvents: RunEventView }>(
    'subscription($runId: ID!) { runEvents(runId: $runId) { seq type level message assetKey payload } }',
    { runId },
    ({ runEvents: e }) => {
      switch (e.type) {
        case 'ASSET_MATERIALIZATION': {
          materializations++;
          const rows = (e.payload?.['metadata'] as Record<string, { raw_value: unknown }> | undefined)?.['row_count']?.raw_value;
          step(`  ✔ materialized ${e.assetKey}${rows !== undefined ? ` (${String(rows)} rows)` : ''}`);
          break;
        }
        case 'ASSET_CHECK_EVALUATION': {
          const passed = e.payload?.['passed'] === true;
          if (passed) checksPassed++;
          else checksFailed++;
          step(`  ${passed ? '✔' : '✘'} check ${e.assetKey}:${String(e.payload?.['checkName'])} ${passed ? 'passed' : 'failed'}`);
          break;
        }
        case 'LOG':
          step(`  · ${e.message ?? ''}`);
          break;
        case 'RUN_STARTED':
        case 'RUN_SUCCESS':
        case 'RUN_FAILURE':
        case 'RUN_CANCELED':
          step(`  ${e.type.toLowerCase().replace('_', ' ')}${e.message ? `: ${e.message}` : ''}`);
          break;
        default:
          break;
      }
    },
  );

  let status = 'QUEUED';
  let failureReason: string | null = null;
  // The subscription shows progress; the run's status is the source of truth for the end.
  while (!TERMINAL.has(status)) {
    await new Promise((r) => setTimeout(r, 250));
    const { run } = await api.request<{ run: { status: string; failureReason: string | null } }>(
      'query($id: ID!) { run(id: $id) { status failureReason } }',
      { id: runId },
    );
    status = run.status;
    failureReason = run.failureReason;
  }
  await new Promise((r) => setTimeout(r, 300));
  sub.cancel();
  const seconds = (Date.now() - startedAt) / 1000;
  step(`run ${runId} ${status} in ${((Date.now() - runStart) / 1000).toFixed(1)} s: ${materializations} materializations, ${checksPassed} checks passed, ${checksFailed} failed`);
  return { runId, status, materializations, checksPassed, checksFailed, seconds: Number(seconds.toFixed(2)), runSeconds: Number(((Date.now() - runStart) / 1000).toFixed(2)), failureReason };
}
