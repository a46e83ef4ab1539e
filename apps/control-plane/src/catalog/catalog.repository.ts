import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, AssetCheckEvaluationModel, AssetCheckModel, AssetModel, CodeLocationModel, DeploymentModel, MaterializationModel } from '@gantry/db';
import { TenantDb } from '../database/tenant-db';
import type { TimeIdCursor } from '../api/pagination/cursor';

/** A code location row with its current version's number and digest. */
export interface CodeLocationRecord extends CodeLocationModel {
  currentVersion: { version: number; digest: string; createdAt: Date } | null;
}

/** An edge of the asset graph: `assetId` depends on `upstreamAssetId`. */
export interface DependencyEdge {
  assetId: string;
  upstreamAssetId: string;
}

/** An active asset's key and the keys of its active upstream assets (the lineage graph, for layout). */
export interface AssetGraphRow {
  key: string;
  upstream: string[];
}

/** Filters of {@link CatalogRepository.listAssets}. */
export interface AssetFilter {
  group?: string | null;
  /** Case-insensitive substring of the key or the description. */
  search?: string | null;
}

/**
 * Catalog tables (deployments, code locations and versions, assets, checks,
 * dependencies, materializations, check evaluations). Every method takes the
 * organization and filters by it, whatever other ids it is given; row-level
 * security (TenantDb) enforces the same.
 */
@Injectable()
export class CatalogRepository {
  constructor(@Inject(TenantDb) private readonly tenant: TenantDb) {}

  /** Deployments of the organization, by name. */
  listDeployments(orgId: string): Promise<DeploymentModel[]> {
    return this.tenant.forOrg(orgId).deployment.findMany({ where: { orgId }, orderBy: { name: 'asc' } });
  }

  findDeploymentByName(orgId: string, name: string): Promise<DeploymentModel | null> {
    return this.tenant.forOrg(orgId).deployment.findUnique({ where: { orgId_name: { orgId, name } } });
  }

  findDeploymentsByIds(orgId: string, ids: readonly string[]): Promise<DeploymentModel[]> {
    return this.tenant.forOrg(orgId).deployment.findMany({ where: { orgId, id: { in: [...ids] } } });
  }

  /** Code locations of a deployment with their current versions (two statements). */
  async listCodeLocations(orgId: string, deploymentId: string): Promise<CodeLocationRecord[]> {
    const rows = await this.tenant.forOrg(orgId).codeLocation.findMany({ where: { orgId, deploymentId }, orderBy: { name: 'asc' } });
    return this.withCurrentVersions(orgId, rows);
  }

  async findCodeLocationsByIds(orgId: string, ids: readonly string[]): Promise<CodeLocationRecord[]> {
    const rows = await this.tenant.forOrg(orgId).codeLocation.findMany({ where: { orgId, id: { in: [...ids] } } });
    return this.withCurrentVersions(orgId, rows);
  }

  private async withCurrentVersions(orgId: string, rows: CodeLocationModel[]): Promise<CodeLocationRecord[]> {
    const versionIds = rows.flatMap((r) => (r.currentVersionId ? [r.currentVersionId] : []));
    const versions = versionIds.length
      ? await this.tenant.forOrg(orgId).codeLocationVersion.findMany({ where: { orgId, id: { in: versionIds } }, select: { id: true, version: true, digest: true, createdAt: true } })
      : [];
    const byId = new Map(versions.map((v) => [v.id, v]));
    return rows.map((r) => ({ ...r, currentVersion: (r.currentVersionId && byId.get(r.currentVersionId)) || null }));
  }

  /** Number of active assets per code location id. */
  async countActiveAssets(orgId: string, codeLocationIds: readonly string[]): Promise<Map<string, number>> {
    const groups = await this.tenant.forOrg(orgId).asset.groupBy({ by: ['codeLocationId'], where: { orgId, active: true, codeLocationId: { in: [...codeLocationIds] } }, _count: { _all: true } });
    return new Map(groups.map((g) => [g.codeLocationId, g._count._all]));
  }

  /** Active assets of a deployment, by key. */
  listAssets(orgId: string, deploymentId: string, filter: AssetFilter = {}): Promise<AssetModel[]> {
    const search = filter.search?.trim();
    return this.tenant.forOrg(orgId).asset.findMany({
      where: {
        orgId,
        deploymentId,
        active: true,
        ...(filter.group ? { groupName: filter.group } : {}),
        ...(search
          ? { OR: [{ key: { contains: search, mode: 'insensitive' } }, { description: { contains: search, mode: 'insensitive' } }] }
          : {}),
      },
      orderBy: { key: 'asc' },
    });
  }

  /** Assets of a deployment with these keys, active or not. */
  findAssetsByKeys(orgId: string, deploymentId: string, keys: readonly string[]): Promise<AssetModel[]> {
    return this.tenant.forOrg(orgId).asset.findMany({ where: { orgId, deploymentId, key: { in: [...keys] } } });
  }

  findAssetsByIds(orgId: string, ids: readonly string[]): Promise<AssetModel[]> {
    return this.tenant.forOrg(orgId).asset.findMany({ where: { orgId, id: { in: [...ids] } }, orderBy: { key: 'asc' } });
  }

  findChecks(orgId: string, assetIds: readonly string[]): Promise<AssetCheckModel[]> {
    return this.tenant.forOrg(orgId).assetCheck.findMany({ where: { orgId, assetId: { in: [...assetIds] } }, orderBy: { name: 'asc' } });
  }

  /** Edges whose downstream end (`assetId`) is one of `assetIds`. */
  findUpstreamEdges(orgId: string, assetIds: readonly string[]): Promise<DependencyEdge[]> {
    return this.tenant.forOrg(orgId).assetDependency.findMany({ where: { orgId, assetId: { in: [...assetIds] } }, select: { assetId: true, upstreamAssetId: true } });
  }

  /** Edges whose upstream end is one of `assetIds`. */
  findDownstreamEdges(orgId: string, assetIds: readonly string[]): Promise<DependencyEdge[]> {
    return this.tenant.forOrg(orgId).assetDependency.findMany({ where: { orgId, upstreamAssetId: { in: [...assetIds] } }, select: { assetId: true, upstreamAssetId: true } });
  }

  /**
   * The lineage graph of a deployment's active assets: every active asset by
   * key with the keys of its active upstreams (sorted). Two single-table scans
   * in one read-only snapshot, joined here: no join plan to go wrong on
   * thousands of rows (a nested loop over stale statistics took seconds).
   */
  async assetGraph(orgId: string, deploymentId: string): Promise<AssetGraphRow[]> {
    const [assets, edges] = await this.tenant.raw(
      orgId,
      async (c) => [
        (await c.query<{ id: string; key: string }>('SELECT id::text AS id, key FROM assets WHERE org_id = $1::uuid AND deployment_id = $2::uuid AND active', [orgId, deploymentId])).rows,
        (await c.query<{ a: string; u: string }>('SELECT asset_id::text AS a, upstream_asset_id::text AS u FROM asset_dependencies WHERE org_id = $1::uuid AND deployment_id = $2::uuid', [orgId, deploymentId])).rows,
      ] as const,
      { snapshot: true },
    );
    const keyOf = new Map(assets.map((r) => [r.id, r.key]));
    const upstream = new Map<string, string[]>();
    for (const e of edges) {
      const down = keyOf.get(e.a);
      const up = keyOf.get(e.u);
      if (down === undefined || up === undefined) continue;
      const list = upstream.get(down);
      if (list) list.push(up);
      else upstream.set(down, [up]);
    }
    return assets
      .map((r) => ({ key: r.key, upstream: (upstream.get(r.key) ?? []).sort(compareText) }))
      .sort((x, y) => compareText(x.key, y.key));
  }

  /** The newest materialization of each asset (one statement, DISTINCT ON). */
  latestMaterializations(orgId: string, assetIds: readonly string[]): Promise<MaterializationModel[]> {
    return this.tenant.tx(orgId, (tx) => tx.$queryRaw<MaterializationRow[]>`
      SELECT DISTINCT ON (asset_id) id, org_id, deployment_id, asset_id, run_id, event_seq, partition_key, data_version, code_version, metadata, created_at
      FROM materializations
      WHERE org_id = ${orgId}::uuid AND asset_id = ANY(${[...assetIds]}::uuid[])
      ORDER BY asset_id, created_at DESC, id DESC`).then((rows) => rows.map(materializationFromRow));
  }

  /** The newest evaluation of each (asset, check) pair (one statement, DISTINCT ON). */
  latestCheckEvaluations(orgId: string, assetIds: readonly string[]): Promise<AssetCheckEvaluationModel[]> {
    return this.tenant.tx(orgId, (tx) => tx.$queryRaw<CheckEvaluationRow[]>`
      SELECT DISTINCT ON (asset_id, check_name) id, org_id, deployment_id, asset_id, check_name, run_id, event_seq, passed, severity::text AS severity, metadata, created_at
      FROM asset_check_evaluations
      WHERE org_id = ${orgId}::uuid AND asset_id = ANY(${[...assetIds]}::uuid[])
      ORDER BY asset_id, check_name, created_at DESC, id DESC`).then((rows) => rows.map(checkEvaluationFromRow));
  }

  /** Materializations of an asset, newest first, strictly after `after`; `limit` rows at most. */
  listMaterializations(orgId: string, assetId: string, limit: number, after: TimeIdCursor | null): Promise<MaterializationModel[]> {
    return this.tenant.forOrg(orgId).materialization.findMany({
      where: {
        orgId,
        assetId,
        ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }
}

const compareText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

interface MaterializationRow {
  id: string;
  org_id: string;
  deployment_id: string;
  asset_id: string;
  run_id: string;
  event_seq: number;
  partition_key: string | null;
  data_version: string | null;
  code_version: string | null;
  metadata: Prisma.JsonValue;
  created_at: Date;
}

function materializationFromRow(r: MaterializationRow): MaterializationModel {
  return {
    id: r.id,
    orgId: r.org_id,
    deploymentId: r.deployment_id,
    assetId: r.asset_id,
    runId: r.run_id,
    eventSeq: r.event_seq,
    partitionKey: r.partition_key,
    dataVersion: r.data_version,
    codeVersion: r.code_version,
    metadata: r.metadata,
    createdAt: r.created_at,
  };
}

interface CheckEvaluationRow {
  id: string;
  org_id: string;
  deployment_id: string;
  asset_id: string;
  check_name: string;
  run_id: string;
  event_seq: number;
  passed: boolean;
  severity: 'WARN' | 'ERROR';
  metadata: Prisma.JsonValue;
  created_at: Date;
}

function checkEvaluationFromRow(r: CheckEvaluationRow): AssetCheckEvaluationModel {
  return {
    id: r.id,
    orgId: r.org_id,
    deploymentId: r.deployment_id,
    assetId: r.asset_id,
    checkName: r.check_name,
    runId: r.run_id,
    eventSeq: r.event_seq,
    passed: r.passed,
    severity: r.severity,
    metadata: r.metadata,
    createdAt: r.created_at,
  };
}
