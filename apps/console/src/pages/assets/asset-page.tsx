import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { Page } from '../../components/page';
import { QueryState } from '../../components/states';
import { graphql } from '../../gql';
import { roleAtLeast, useScope, useScopedPath } from '../../layout/scope';
import { AssetChecks } from './asset-checks';
import { AssetCost } from './asset-cost';
import { AssetDefinition } from './asset-definition';
import { MaterializationHistory } from './materialization-history';
import { PartitionsGrid } from './partitions-grid';

const AssetQuery = graphql(`
  query AssetPage($deployment: String!, $key: String!) {
    asset(deployment: $deployment, key: $key) {
      id
      key
      active
      description
      group
      owners
      kinds
      tags { key value }
      codeVersion
      codeLocation { name currentVersion }
      updatedAt
      upstream { key }
      downstream { key }
      partitionKeys
      partitionsDefinition { kind cron start end }
      checks { name description blocking }
      latestCheckEvaluations { checkName passed severity metadata createdAt runId }
      latestMaterialization { createdAt runId }
    }
  }
`);

/**
 * One asset (`assets/<key with slashes>`): its definition, a Launch link for
 * Launchers and up, the partitions grid when partitioned, check results,
 * materialization history with typed metadata, and its cost.
 */
export function AssetPage() {
  const key = useParams()['*'] ?? '';
  const { deployment, deploymentRole } = useScope();
  const path = useScopedPath();
  const [result, reexecute] = useQuery({ query: AssetQuery, variables: { deployment, key } });
  const retry = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  return (
    <Page
      title={key || 'Asset'}
      actions={
        roleAtLeast(deploymentRole, 'LAUNCHER') && result.data?.asset ? (
          <Link className="button-link primary" to={`${path('launch')}?assets=${encodeURIComponent(key)}`}>
            Launch
          </Link>
        ) : undefined
      }
    >
      <QueryState result={result} what="the asset" retry={retry}>
        {(data) =>
          data.asset ? (
            <>
              <AssetDefinition asset={data.asset} />
              {data.asset.partitionKeys && data.asset.partitionKeys.length > 0 && <PartitionsGrid assetKey={key} partitionKeys={data.asset.partitionKeys} />}
              <AssetChecks assetKey={key} checks={data.asset.checks} latest={data.asset.latestCheckEvaluations} />
              <MaterializationHistory assetKey={key} />
              <AssetCost assetKey={key} />
            </>
          ) : (
            <div className="state state-empty">
              <p className="state-title">No asset {key} in {deployment}.</p>
              <p>
                <Link to={path('assets')}>Back to the catalog</Link>
              </p>
            </div>
          )
        }
      </QueryState>
    </Page>
  );
}
