import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { Page } from '../../components/page';
import { QueryState } from '../../components/states';
import { graphql } from '../../gql';
import type { RunPageFieldsFragment } from '../../gql/graphql';
import { roleAtLeast, useScope, useScopedPath } from '../../layout/scope';
import { CancelRunButton } from './cancel-run-button';
import { useRunEvents } from './run-events';
import { formatDateTime, formatDuration, formatPartition, isTerminal, runDurationMs } from './run-format';
import { RunLogs } from './run-logs';
import { RunCost, RunOutputs } from './run-outputs';
import { useLaunchedByLabel } from './launched-by';
import { StatusBadge } from './run-status-badge';
import { RunTimeline } from './run-timeline';
import { useNow, usePoll } from './use-poll';

graphql(`
  fragment RunPageFields on Run {
    id
    status
    assetKeys
    partitionKey
    partitionRange { start end }
    launchedBy
    createdAt
    startedAt
    endedAt
    failureReason
    codeLocationVersion
    codeLocation { name }
    agent { id name launcher }
    tags { key value }
  }
`);

const RunQuery = graphql(`
  query RunPage($id: ID!) {
    run(id: $id) { ...RunPageFields }
  }
`);

const RunStatusSubscription = graphql(`
  subscription RunPageStatus($runId: ID!) {
    runStatus(runId: $runId) { ...RunPageFields }
  }
`);

/**
 * One run: status live from the runStatus subscription (with a ticking
 * duration), its facts, Cancel for Launchers and up while it is not over,
 * live logs, a per-asset timeline, its materializations and check results,
 * and its cost.
 */
export function RunPage() {
  const { runId = '' } = useParams();
  const [result, reexecute] = useQuery({ query: RunQuery, variables: { id: runId } });
  const retry = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  return (
    <Page title={`Run ${runId.slice(0, 8)}`}>
      <QueryState result={result} what="the run" retry={retry}>
        {(data) =>
          data.run ? (
            <RunView initial={data.run} refetch={retry} />
          ) : (
            <div className="state state-empty" role="alert">
              <p className="state-title">No run {runId} in this organization.</p>
            </div>
          )
        }
      </QueryState>
    </Page>
  );
}

function RunView({ initial, refetch }: { initial: RunPageFieldsFragment; refetch: () => void }) {
  const { deploymentRole } = useScope();
  const path = useScopedPath();
  const [status] = useSubscription({ query: RunStatusSubscription, variables: { runId: initial.id } });
  // The subscription's latest value wins; the query is the first paint.
  const run = status.data?.runStatus ?? initial;
  const ended = isTerminal(run.status);
  // If the status socket fails, fall back to polling the query.
  usePoll(!ended && !!status.error, refetch, 3000);
  const now = useNow(!ended);
  const { events, error: eventsError } = useRunEvents(run.id);
  const duration = runDurationMs(run, now);
  const launchedBy = useLaunchedByLabel();

  return (
    <>
      <div className="run-header">
        <p aria-live="polite" className="run-status-line">
          Status: <StatusBadge status={run.status} />
        </p>
        {!ended && roleAtLeast(deploymentRole, 'LAUNCHER') && run.status !== 'CANCELING' && <CancelRunButton runId={run.id} />}
      </div>
      {run.failureReason && (
        <p className="state state-error run-failure">
          <strong>Failure:</strong> {run.failureReason}
        </p>
      )}
      <dl className="facts">
        <div>
          <dt>Run id</dt>
          <dd className="mono">{run.id}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(run.createdAt)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatDateTime(run.startedAt)}</dd>
        </div>
        <div>
          <dt>Ended</dt>
          <dd>{formatDateTime(run.endedAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd data-testid="run-duration">{duration == null ? '—' : `${formatDuration(duration)}${ended ? '' : ' so far'}`}</dd>
        </div>
        <div>
          <dt>Partition</dt>
          <dd className="mono">{formatPartition(run)}</dd>
        </div>
        <div>
          <dt>Code location</dt>
          <dd>
            {run.codeLocation?.name ?? '—'} (version {run.codeLocationVersion})
          </dd>
        </div>
        <div>
          <dt>Agent</dt>
          <dd>{run.agent ? `${run.agent.name} (${run.agent.launcher})` : 'not yet assigned'}</dd>
        </div>
        <div>
          <dt>Launched by</dt>
          <dd>{launchedBy(run.launchedBy)}</dd>
        </div>
        {run.tags.length > 0 && (
          <div>
            <dt>Tags</dt>
            <dd>{run.tags.map((t) => `${t.key}=${t.value}`).join(', ')}</dd>
          </div>
        )}
      </dl>
      <p>
        Assets:{' '}
        {run.assetKeys.map((k, i) => (
          <span key={k}>
            {i > 0 && ', '}
            <Link to={path(`assets/${k}`)}>{k}</Link>
          </span>
        ))}
      </p>
      {eventsError && (
        <p className="error" role="alert">
          Live events failed: {eventsError}
        </p>
      )}
      <RunLogs events={events} live={!ended} />
      <RunTimeline
        events={events}
        assetKeys={run.assetKeys}
        runStart={run.startedAt ? Date.parse(run.startedAt) : null}
        runEnd={run.endedAt ? Date.parse(run.endedAt) : now}
        ended={ended}
      />
      <RunOutputs events={events} />
      <RunCost runId={run.id} events={events} assetKeys={run.assetKeys} />
    </>
  );
}
