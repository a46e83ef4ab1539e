import { Inject, Injectable } from '@nestjs/common';
import type { Prisma } from '@gantry/db';
import { TenantDb } from '../database/tenant-db';
import { AssetDefinedElsewhereError, DeploymentNotServableError } from '../agents/agent-errors';
import type { ReportedCodeLocation } from './reported-code-location';

/** What storing one reported location did. */
export interface StoredCodeLocation {
  deployment: string;
  name: string;
  /** The location's current version number after the report. */
  version: number;
  /** True when the current version changed (a new digest, or a return to an older one). */
  changed: boolean;
}

/** Who reports: the token's organization and deployment scope (empty: every deployment). */
export interface Reporter {
  orgId: string;
  tokenId: string;
  deploymentIds: readonly string[];
}

type Tx = Prisma.TransactionClient;

/** The deployment that always exists in an organization (created on first report when missing). */
export const DEFAULT_DEPLOYMENT = 'prod';

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Postgres array of a JSON array's text elements, in order. */
const textArray = (expr: string) => `ARRAY(SELECT x FROM jsonb_array_elements_text(${expr}) WITH ORDINALITY AS e(x, n) ORDER BY n)`;

const SQL = {
  ensureDefaultDeployment: `
    INSERT INTO deployments (id, org_id, name, created_at) VALUES (gen_random_uuid(), $1::uuid, '${DEFAULT_DEPLOYMENT}', now())
    ON CONFLICT (org_id, name) DO NOTHING`,
  deployments: `
    SELECT id::text AS id, name FROM deployments
    WHERE org_id = $1::uuid AND name = ANY($2::text[]) AND (cardinality($3::uuid[]) = 0 OR id = ANY($3::uuid[]))`,
  insertLocation: `
    INSERT INTO code_locations (id, org_id, deployment_id, name, created_at, updated_at)
    VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3, now(), now())
    ON CONFLICT (deployment_id, name) DO NOTHING`,
  lockLocation: `
    SELECT id::text AS id, current_version_id::text AS current_version_id FROM code_locations
    WHERE org_id = $1::uuid AND deployment_id = $2::uuid AND name = $3 FOR UPDATE`,
  versionByDigest: `SELECT id::text AS id, version FROM code_location_versions WHERE code_location_id = $1::uuid AND digest = $2`,
  insertVersion: `
    INSERT INTO code_location_versions (id, org_id, code_location_id, version, digest, definition, reported_by, created_at)
    SELECT gen_random_uuid(), $1::uuid, $2::uuid, coalesce(max(version), 0) + 1, $3, $4::jsonb, $5::uuid, now()
    FROM code_location_versions WHERE code_location_id = $2::uuid
    RETURNING id::text AS id, version`,
  setCurrent: `UPDATE code_locations SET current_version_id = $2::uuid, queue = $3, updated_at = now() WHERE id = $1::uuid`,
  conflicts: `
    SELECT a.key, cl.name AS code_location FROM assets a JOIN code_locations cl ON cl.id = a.code_location_id
    WHERE a.deployment_id = $1::uuid AND a.key = ANY($2::text[]) AND a.code_location_id <> $3::uuid AND a.active
    ORDER BY a.key`,
  upsertAssets: `
    INSERT INTO assets (id, org_id, deployment_id, code_location_id, key, key_path, group_name, owners, tags, kinds,
                        description, code_version, partitions_definition, active, created_at, updated_at)
    SELECT gen_random_uuid(), $1::uuid, $2::uuid, $3::uuid, a.key, ${textArray('a.key_path')}, a.group_name,
           ${textArray('a.owners')}, a.tags, ${textArray('a.kinds')}, a.description, a.code_version, a.partitions, true, now(), now()
    FROM jsonb_to_recordset($4::jsonb) AS a(key text, key_path jsonb, group_name text, owners jsonb, tags jsonb, kinds jsonb,
                                             description text, code_version text, partitions jsonb)
    ON CONFLICT (deployment_id, key) DO UPDATE SET
      code_location_id = EXCLUDED.code_location_id, key_path = EXCLUDED.key_path, group_name = EXCLUDED.group_name,
      owners = EXCLUDED.owners, tags = EXCLUDED.tags, kinds = EXCLUDED.kinds, description = EXCLUDED.description,
      code_version = EXCLUDED.code_version, partitions_definition = EXCLUDED.partitions_definition, active = true, updated_at = now()
    WHERE assets.code_location_id = EXCLUDED.code_location_id OR NOT assets.active`,
  deactivateAssets: `
    UPDATE assets SET active = false, updated_at = now()
    WHERE code_location_id = $1::uuid AND active AND NOT (key = ANY($2::text[]))`,
  deleteDependencies: `DELETE FROM asset_dependencies WHERE asset_id IN (SELECT id FROM assets WHERE code_location_id = $1::uuid)`,
  insertDependencies: `
    INSERT INTO asset_dependencies (id, org_id, deployment_id, asset_id, upstream_asset_id)
    SELECT gen_random_uuid(), $1::uuid, $2::uuid, a.id, u.id
    FROM jsonb_to_recordset($3::jsonb) AS e(key text, dep text)
    JOIN assets a ON a.deployment_id = $2::uuid AND a.key = e.key
    JOIN assets u ON u.deployment_id = $2::uuid AND u.key = e.dep
    ON CONFLICT (asset_id, upstream_asset_id) DO NOTHING`,
  deleteChecks: `
    DELETE FROM asset_checks c USING assets a
    WHERE c.asset_id = a.id AND a.code_location_id = $1::uuid
      AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS k(key text, name text) WHERE k.key = a.key AND k.name = c.name)`,
  upsertChecks: `
    INSERT INTO asset_checks (id, org_id, asset_id, name, description, blocking)
    SELECT gen_random_uuid(), $1::uuid, a.id, k.name, k.description, coalesce(k.blocking, false)
    FROM jsonb_to_recordset($3::jsonb) AS k(key text, name text, description text, blocking boolean)
    JOIN assets a ON a.deployment_id = $2::uuid AND a.key = k.key AND a.code_location_id = $4::uuid
    ON CONFLICT (asset_id, name) DO UPDATE SET description = EXCLUDED.description, blocking = EXCLUDED.blocking`,
};

/**
 * Storage of reported code locations: versions (`code_location_versions`),
 * the current version pointer, and the asset graph derived from it (`assets`,
 * `asset_dependencies`, `asset_checks`). Scoped by organization and the
 * token's deployments.
 */
@Injectable()
export class CodeLocationsRepository {
  constructor(@Inject(TenantDb) private readonly tenant: TenantDb) {}

  /**
   * Stores every location in ONE transaction: a new version (max + 1) when its
   * digest is new, the current version pointer, and — when the current version
   * changed — its asset graph (assets upserted active, vanished assets
   * inactive, dependencies and checks rebuilt). Idempotent: the same
   * definitions again write nothing. The organization's `prod` deployment is
   * created when missing and the token serves every deployment.
   * Errors: DeploymentNotServableError; AssetDefinedElsewhereError.
   */
  async store(reporter: Reporter, locations: readonly ReportedCodeLocation[]): Promise<StoredCodeLocation[]> {
    if (locations.length === 0) return [];
    return this.tenant.tx(
      reporter.orgId,
      async (tx) => {
        const names = [...new Set(locations.map((l) => l.deployment))];
        if (reporter.deploymentIds.length === 0 && names.includes(DEFAULT_DEPLOYMENT)) {
          await tx.$executeRawUnsafe(SQL.ensureDefaultDeployment, reporter.orgId);
        }
        const deployments = await tx.$queryRawUnsafe<Array<{ id: string; name: string }>>(SQL.deployments, reporter.orgId, names, [
          ...reporter.deploymentIds,
        ]);
        const byName = new Map(deployments.map((d) => [d.name, d.id]));
        const missing = names.filter((n) => !byName.has(n));
        if (missing.length > 0) throw new DeploymentNotServableError(missing);
        // Lock code locations in one global order, so two agents reporting the same set cannot deadlock.
        const ordered = [...locations].sort((a, b) => compare(a.deployment, b.deployment) || compare(a.name, b.name));
        const stored = new Map<ReportedCodeLocation, StoredCodeLocation>();
        for (const loc of ordered) stored.set(loc, await this.storeOne(tx, reporter, byName.get(loc.deployment)!, loc));
        return locations.map((loc) => stored.get(loc)!);
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  }

  private async storeOne(tx: Tx, reporter: Reporter, deploymentId: string, loc: ReportedCodeLocation): Promise<StoredCodeLocation> {
    const { orgId } = reporter;
    await tx.$executeRawUnsafe(SQL.insertLocation, orgId, deploymentId, loc.name);
    const [location] = await tx.$queryRawUnsafe<Array<{ id: string; current_version_id: string | null }>>(SQL.lockLocation, orgId, deploymentId, loc.name);
    if (!location) throw new Error(`code location ${loc.name} vanished inside its transaction`);
    let [version] = await tx.$queryRawUnsafe<Array<{ id: string; version: number }>>(SQL.versionByDigest, location.id, loc.digest);
    if (version && version.id === location.current_version_id) {
      return { deployment: loc.deployment, name: loc.name, version: version.version, changed: false };
    }
    if (!version) {
      [version] = await tx.$queryRawUnsafe<Array<{ id: string; version: number }>>(
        SQL.insertVersion,
        orgId,
        location.id,
        loc.digest,
        JSON.stringify(loc.definition),
        reporter.tokenId,
      );
      if (!version) throw new Error(`no version row returned for code location ${loc.name}`);
    }
    await tx.$executeRawUnsafe(SQL.setCurrent, location.id, version.id, loc.definition.queue ?? 'default');
    await this.rebuildGraph(tx, orgId, deploymentId, location.id, loc);
    return { deployment: loc.deployment, name: loc.name, version: version.version, changed: true };
  }

  private async rebuildGraph(tx: Tx, orgId: string, deploymentId: string, locationId: string, loc: ReportedCodeLocation): Promise<void> {
    const assets = loc.definition.assets;
    const keys = assets.map((a) => a.key);
    const conflicts = await tx.$queryRawUnsafe<Array<{ key: string; code_location: string }>>(SQL.conflicts, deploymentId, keys, locationId);
    if (conflicts.length > 0) throw new AssetDefinedElsewhereError(loc.name, conflicts.map((c) => ({ key: c.key, codeLocation: c.code_location })));

    const rows = assets.map((a) => ({
      key: a.key,
      key_path: a.keyPath,
      group_name: a.group,
      owners: a.owners,
      tags: a.tags,
      kinds: a.kinds,
      description: a.description ?? null,
      code_version: a.codeVersion ?? null,
      partitions: a.partitions ?? null,
    }));
    await tx.$executeRawUnsafe(SQL.upsertAssets, orgId, deploymentId, locationId, JSON.stringify(rows));
    await tx.$executeRawUnsafe(SQL.deactivateAssets, locationId, keys);

    const edges = assets.flatMap((a) => a.deps.map((dep) => ({ key: a.key, dep })));
    await tx.$executeRawUnsafe(SQL.deleteDependencies, locationId);
    if (edges.length > 0) await tx.$executeRawUnsafe(SQL.insertDependencies, orgId, deploymentId, JSON.stringify(edges));

    const checks = assets.flatMap((a) => a.checks.map((c) => ({ key: a.key, name: c.name, description: c.description ?? null, blocking: c.blocking })));
    await tx.$executeRawUnsafe(SQL.deleteChecks, locationId, JSON.stringify(checks));
    if (checks.length > 0) await tx.$executeRawUnsafe(SQL.upsertChecks, orgId, deploymentId, JSON.stringify(checks), locationId);
  }
}
