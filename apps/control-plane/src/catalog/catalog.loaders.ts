import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { GraphqlErrorMapper } from '../api/errors/graphql-error.mapper';
import { perRequest, type GraphqlContext } from '../api/graphql-context';
import { authOf } from '../auth/auth.service';
import { toAsset, toAssetCheck, toCheckEvaluation, toCodeLocation, toDeployment, toMaterialization, type AssetView } from './catalog.mappers';
import { CatalogRepository, type DependencyEdge } from './catalog.repository';
import type { AssetCheck, AssetCheckEvaluation } from './models/asset-check.model';
import type { CodeLocation } from './models/code-location.model';
import type { Deployment } from './models/deployment.model';
import type { Materialization } from './models/materialization.model';

/** The catalog DataLoaders of one request, all scoped to the caller's organization. */
export interface CatalogRequestLoaders {
  deployment: DataLoader<string, Deployment | null>;
  codeLocation: DataLoader<string, CodeLocation | null>;
  assetCount: DataLoader<string, number>;
  checks: DataLoader<string, AssetCheck[]>;
  upstream: DataLoader<string, AssetView[]>;
  downstream: DataLoader<string, AssetView[]>;
  latestMaterialization: DataLoader<string, Materialization | null>;
  latestCheckEvaluations: DataLoader<string, AssetCheckEvaluation[]>;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/**
 * Builds request-scoped DataLoaders for the catalog's field resolvers: each
 * relation costs a constant number of SQL statements per request, whatever
 * the number of parents. Errors of a batch go through the error mapper.
 */
@Injectable()
export class CatalogLoaders {
  constructor(
    @Inject(CatalogRepository) private readonly repo: CatalogRepository,
    @Inject(GraphqlErrorMapper) private readonly errors: GraphqlErrorMapper,
  ) {}

  /** The loaders of the request of `ctx` (created on first use). Errors: UNAUTHENTICATED without an auth context. */
  for(ctx: GraphqlContext): CatalogRequestLoaders {
    const { orgId } = authOf(ctx);
    return perRequest(ctx, this, () => this.create(orgId));
  }

  private batch<V>(fn: (ids: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    return new DataLoader<string, V>((ids) => this.errors.guard(() => fn(ids)));
  }

  private create(orgId: string): CatalogRequestLoaders {
    const repo = this.repo;
    const deployment = this.batch(async (ids) => {
      const byId = new Map((await repo.findDeploymentsByIds(orgId, ids)).map((d) => [d.id, toDeployment(d)]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    const assetsByEdges = async (edges: DependencyEdge[], end: 'upstreamAssetId' | 'assetId') => {
      const ids = [...new Set(edges.map((e) => e[end]))];
      return new Map((ids.length ? await repo.findAssetsByIds(orgId, ids) : []).map((a) => [a.id, toAsset(a)]));
    };
    return {
      deployment,
      codeLocation: this.batch(async (ids) => {
        const rows = await repo.findCodeLocationsByIds(orgId, ids);
        const deployments = await deployment.loadMany([...new Set(rows.map((r) => r.deploymentId))]);
        const names = new Map(deployments.flatMap((d) => (d && !(d instanceof Error) ? [[d.id, d.name] as const] : [])));
        const byId = new Map(rows.map((r) => [r.id, toCodeLocation(r, names.get(r.deploymentId) ?? '')]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      assetCount: this.batch(async (ids) => {
        const counts = await repo.countActiveAssets(orgId, ids);
        return ids.map((id) => counts.get(id) ?? 0);
      }),
      checks: this.batch(async (ids) => {
        const byAsset = groupBy(await repo.findChecks(orgId, ids), (c) => c.assetId);
        return ids.map((id) => (byAsset.get(id) ?? []).map(toAssetCheck));
      }),
      upstream: this.batch(async (ids) => {
        const edges = await repo.findUpstreamEdges(orgId, ids);
        const assets = await assetsByEdges(edges, 'upstreamAssetId');
        const byAsset = groupBy(edges, (e) => e.assetId);
        return ids.map((id) => sortByKey((byAsset.get(id) ?? []).flatMap((e) => assets.get(e.upstreamAssetId) ?? [])));
      }),
      downstream: this.batch(async (ids) => {
        const edges = await repo.findDownstreamEdges(orgId, ids);
        const assets = await assetsByEdges(edges, 'assetId');
        const byAsset = groupBy(edges, (e) => e.upstreamAssetId);
        return ids.map((id) => sortByKey((byAsset.get(id) ?? []).flatMap((e) => assets.get(e.assetId) ?? [])));
      }),
      latestMaterialization: this.batch(async (ids) => {
        const byAsset = new Map((await repo.latestMaterializations(orgId, ids)).map((m) => [m.assetId, toMaterialization(m)]));
        return ids.map((id) => byAsset.get(id) ?? null);
      }),
      latestCheckEvaluations: this.batch(async (ids) => {
        const byAsset = groupBy(await repo.latestCheckEvaluations(orgId, ids), (e) => e.assetId);
        return ids.map((id) => (byAsset.get(id) ?? []).map(toCheckEvaluation));
      }),
    };
  }
}

function sortByKey(assets: AssetView[]): AssetView[] {
  return assets.sort((a, b) => a.key.localeCompare(b.key));
}
