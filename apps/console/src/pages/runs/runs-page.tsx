import { useCallback, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { Page } from '../../components/page';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { RunStatus } from '../../gql/graphql';
import { roleAtLeast, useScope, useScopedPath } from '../../layout/scope';
import { formatDateTime, formatDuration, formatPartition, isTerminal, runDurationMs } from './run-format';
import { useLaunchedByLabel } from './launched-by';
import { StatusBadge } from './run-status-badge';
import { useNow, usePoll } from './use-poll';

const RunsQuery = graphql(`
  query RunsPage($deployment: String!, $first: Int!, $after: String, $status: [RunStatus!], $assetKey: String) {
    runs(deployment: $deployment, first: $first, after: $after, status: $status, assetKey: $assetKey) {
      edges {
        cursor
        node {
          id
          status
          assetKeys
          partitionKey
          partitionRange { start end }
          launchedBy
          createdAt
          startedAt
          endedAt
        }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

const PAGE_SIZE = 25;
const ALL_STATUSES: readonly RunStatus[] = ['QUEUED', 'STARTING', 'STARTED', 'CANCELING', 'SUCCESS', 'FAILURE', 'CANCELED'];

interface Filters {
  status: RunStatus[];
  assetKey: string;
}

/** Filters from `?status=A,B&asset=a/b`; unknown statuses are dropped. */
function filtersFrom(params: URLSearchParams): Filters {
  return {
    status: (params.get('status') ?? '').split(',').filter((s): s is RunStatus => (ALL_STATUSES as readonly string[]).includes(s)),
    assetKey: params.get('asset') ?? '',
  };
}

/**
 * Runs of the deployment, newest first: filters by status (several) and asset
 * key, kept in the URL (`?status=SUCCESS,FAILURE&asset=a/b`); pages of 25 with
 * "Load more"; pages holding unfinished runs refetch every 3 s.
 */
export function RunsPage() {
  const { deploymentRole } = useScope();
  const path = useScopedPath();
  const [params, setParams] = useSearchParams();
  // Filters live in state (so controls answer at once) and are mirrored to the URL (so they survive reloads and can be shared).
  const [filters, setFilters] = useState<Filters>(() => filtersFrom(params));
  const [assetDraft, setAssetDraft] = useState(filters.assetKey);
  // Cursors of the pages after the first; reset whenever the filters change.
  const [cursors, setCursors] = useState<string[]>([]);
  // The URL changed from outside (a link, back/forward): take its filters.
  const [seenSearch, setSeenSearch] = useState(params.toString());
  if (params.toString() !== seenSearch) {
    setSeenSearch(params.toString());
    const fromUrl = filtersFrom(params);
    if (fromUrl.status.join(',') !== filters.status.join(',') || fromUrl.assetKey !== filters.assetKey) {
      setFilters(fromUrl);
      setAssetDraft(fromUrl.assetKey);
      setCursors([]);
    }
  }
  const filterKey = `${filters.status.join(',')}|${filters.assetKey}`;

  const update = (next: Partial<Filters>) => {
    const merged = { ...filters, ...next };
    setFilters(merged);
    setCursors([]);
    const search = new URLSearchParams();
    if (merged.status.length) search.set('status', merged.status.join(','));
    if (merged.assetKey) search.set('asset', merged.assetKey);
    setParams(search, { replace: true });
  };
  const toggleStatus = (status: RunStatus) =>
    update({ status: filters.status.includes(status) ? filters.status.filter((s) => s !== status) : [...filters.status, status] });

  return (
    <Page title="Runs" actions={roleAtLeast(deploymentRole, 'LAUNCHER') && <Link to={path('launch')}>Launch a run</Link>}>
      <div className="toolbar">
        <fieldset className="run-status-filter">
          <legend>Status</legend>
          {ALL_STATUSES.map((status) => (
            <label key={status}>
              <input type="checkbox" checked={filters.status.includes(status)} onChange={() => toggleStatus(status)} /> {status}
            </label>
          ))}
        </fieldset>
        <form
          className="run-asset-filter"
          onSubmit={(e) => {
            e.preventDefault();
            update({ assetKey: assetDraft.trim() });
          }}
        >
          <label>
            Asset key
            <input value={assetDraft} onChange={(e) => setAssetDraft(e.target.value)} placeholder="flights/raw_flights" />
          </label>
          <button type="submit">Filter</button>
          {filters.assetKey && (
            <button
              type="button"
              onClick={() => {
                setAssetDraft('');
                update({ assetKey: '' });
              }}
            >
              Clear
            </button>
          )}
        </form>
      </div>
      <table className="data">
        <caption className="visually-hidden">Runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Assets</th>
            <th scope="col">Partition</th>
            <th scope="col">Launched by</th>
            <th scope="col">Created</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        {[null, ...cursors].map((after, i) => (
          <RunsChunk
            key={`${filterKey}:${after ?? ''}`}
            filters={filters}
            after={after}
            first={i === 0}
            last={i === cursors.length}
            onLoadMore={(cursor) => setCursors((c) => [...c, cursor])}
          />
        ))}
      </table>
    </Page>
  );
}

/** One page of runs as a table body; the last page renders the "Load more" row. */
function RunsChunk({ filters, after, first, last, onLoadMore }: {
  filters: Filters;
  after: string | null;
  first: boolean;
  last: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const { deployment } = useScope();
  const path = useScopedPath();
  const [result, reexecute] = useQuery({
    query: RunsQuery,
    variables: {
      deployment,
      first: PAGE_SIZE,
      after,
      status: filters.status.length ? filters.status : null,
      assetKey: filters.assetKey || null,
    },
  });
  const runs = result.data?.runs.edges.map((e) => e.node) ?? [];
  const live = runs.some((r) => !isTerminal(r.status));
  const refetch = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  usePoll(live, refetch);
  const now = useNow(live);
  const launchedBy = useLaunchedByLabel();

  const wide = (content: React.ReactNode) => (
    <tbody>
      <tr>
        <td colSpan={7}>{content}</td>
      </tr>
    </tbody>
  );
  if (result.error && !result.data) return wide(<ErrorState error={result.error} retry={refetch} />);
  if (!result.data) return wide(<Loading what="runs" />);
  if (first && runs.length === 0) {
    return wide(
      <Empty title={filters.status.length || filters.assetKey ? 'No runs match these filters.' : 'No runs yet.'}>
        <p>Runs appear here once launched from the Launch page, the API or a schedule.</p>
      </Empty>,
    );
  }
  const { endCursor, hasNextPage } = result.data.runs.pageInfo;
  return (
    <tbody>
      {runs.map((run) => {
        const duration = runDurationMs(run, now);
        return (
          <tr key={run.id}>
            <td>
              <Link className="mono" to={path(`runs/${run.id}`)} aria-label={`Run ${run.id}`}>
                {run.id.slice(0, 8)}
              </Link>
            </td>
            <td>
              <StatusBadge status={run.status} />
            </td>
            <td>
              <ul className="plain-list">
                {run.assetKeys.map((key) => (
                  <li key={key}>
                    <Link to={path(`assets/${key}`)}>{key}</Link>
                  </li>
                ))}
              </ul>
            </td>
            <td className="mono nowrap">{formatPartition(run)}</td>
            <td className="launched-by">{launchedBy(run.launchedBy)}</td>
            <td>{formatDateTime(run.createdAt)}</td>
            <td>{duration == null ? '—' : formatDuration(duration)}</td>
          </tr>
        );
      })}
      {last && hasNextPage && endCursor && (
        <tr>
          <td colSpan={7}>
            <button type="button" onClick={() => onLoadMore(endCursor)}>
              Load more
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
