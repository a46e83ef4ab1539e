import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import { useScope, useScopedPath } from '../../layout/scope';
import { formatDateTime } from '../runs/run-format';
import { MetadataView } from './metadata-view';

const MaterializationsQuery = graphql(`
  query AssetMaterializations($deployment: String!, $key: String!, $first: Int!, $after: String) {
    assetMaterializations(deployment: $deployment, key: $key, first: $first, after: $after) {
      edges {
        cursor
        node { eventSeq runId createdAt partitionKey dataVersion codeVersion metadata }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

const PAGE_SIZE = 10;

/** Materializations of an asset, newest first, 10 at a time with "Load more"; each with its run, partition, versions and typed metadata (the newest open). */
export function MaterializationHistory({ assetKey }: { assetKey: string }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <section aria-labelledby="materializations-title">
      <h2 id="materializations-title">Materializations</h2>
      <ol className="plain-list materializations">
        {cursors.map((after, i) => (
          <MaterializationPage
            key={after ?? ''}
            assetKey={assetKey}
            after={after}
            first={i === 0}
            last={i === cursors.length - 1}
            onMore={(c) => setCursors((cs) => [...cs, c])}
          />
        ))}
      </ol>
    </section>
  );
}

function MaterializationPage({ assetKey, after, first, last, onMore }: {
  assetKey: string;
  after: string | null;
  first: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
}) {
  const { deployment } = useScope();
  const path = useScopedPath();
  const [result, reexecute] = useQuery({ query: MaterializationsQuery, variables: { deployment, key: assetKey, first: PAGE_SIZE, after } });
  if (result.error && !result.data) return <li><ErrorState error={result.error} retry={() => reexecute({ requestPolicy: 'network-only' })} /></li>;
  if (!result.data) return <li><Loading what="materializations" /></li>;
  const { edges, pageInfo } = result.data.assetMaterializations;
  if (first && edges.length === 0) {
    return (
      <li>
        <Empty title="Never materialized.">
          <p>Launch a run of this asset to materialize it.</p>
        </Empty>
      </li>
    );
  }
  return (
    <>
      {edges.map(({ node: m }, i) => (
        <li key={`${m.runId}:${m.eventSeq}`} className="materialization">
          <div className="materialization-head">
            <strong>{formatDateTime(m.createdAt)}</strong> · run{' '}
            <Link className="mono" to={path(`runs/${m.runId}`)} aria-label={`Run ${m.runId}`}>
              {m.runId.slice(0, 8)}
            </Link>
            {m.partitionKey && (
              <>
                {' '}
                · partition <span className="mono">{m.partitionKey}</span>
              </>
            )}
            {m.dataVersion && (
              <>
                {' '}
                · data version <span className="mono">{m.dataVersion}</span>
              </>
            )}
            {m.codeVersion && (
              <>
                {' '}
                · code version <span className="mono">{m.codeVersion}</span>
              </>
            )}
          </div>
          <details open={first && i === 0}>
            <summary>Metadata</summary>
            <MetadataView metadata={m.metadata} label={`Metadata of the materialization at ${formatDateTime(m.createdAt)}`} />
          </details>
        </li>
      ))}
      {last && pageInfo.hasNextPage && pageInfo.endCursor && (
        <li>
          <button type="button" onClick={() => onMore(pageInfo.endCursor!)}>
            Load more
          </button>
        </li>
      )}
    </>
  );
}
