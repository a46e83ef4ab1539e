import { Inject, Injectable } from '@nestjs/common';
import type { AssetModel, DeploymentModel } from '@gantry/db';
import { TenantDb } from '../database/tenant-db';
import type { CodeLocationRecord } from './catalog.repository';

/** What a launch reads before it inserts: the deployment, the selected assets (active or not), their code locations. */
export interface LaunchSelectionRows {
  /** Null when the organization has no deployment of that name (then the lists are empty). */
  deployment: DeploymentModel | null;
  /** Assets of the deployment whose key is one of the requested keys, active or not. */
  assets: AssetModel[];
  /** Code locations of the selected ACTIVE assets, each with its current version. */
  codeLocations: CodeLocationRecord[];
}

// One statement on the raw pool: a launch is on the dispatch hot path, and four
// Prisma statements (deployment, assets, code locations, versions) cost the
// replica that also serves agents about 3 ms of CPU per launch (measured with
// bench:dispatch --cpu-prof). json_build_object names the fields as the Prisma
// models do, so only timestamps need converting.
const SQL = `
  WITH d AS (
    SELECT * FROM deployments WHERE org_id = $1::uuid AND name = $2
  ), a AS (
    SELECT assets.* FROM assets JOIN d ON assets.org_id = d.org_id AND assets.deployment_id = d.id
    WHERE assets.key = ANY($3::text[])
  )
  SELECT json_build_object('id', d.id, 'orgId', d.org_id, 'name', d.name, 'createdAt', d.created_at) AS deployment,
    coalesce((SELECT json_agg(json_build_object(
        'id', a.id, 'orgId', a.org_id, 'deploymentId', a.deployment_id, 'codeLocationId', a.code_location_id,
        'key', a.key, 'keyPath', a.key_path, 'groupName', a.group_name, 'owners', a.owners, 'tags', a.tags,
        'kinds', a.kinds, 'description', a.description, 'codeVersion', a.code_version,
        'partitionsDefinition', a.partitions_definition, 'active', a.active,
        'createdAt', a.created_at, 'updatedAt', a.updated_at)) FROM a), '[]'::json) AS assets,
    coalesce((SELECT json_agg(json_build_object(
        'id', cl.id, 'orgId', cl.org_id, 'deploymentId', cl.deployment_id, 'name', cl.name,
        'currentVersionId', cl.current_version_id, 'createdAt', cl.created_at, 'updatedAt', cl.updated_at,
        'currentVersion', CASE WHEN v.id IS NULL THEN NULL
                          ELSE json_build_object('version', v.version, 'digest', v.digest, 'createdAt', v.created_at) END))
      FROM code_locations cl
      LEFT JOIN code_location_versions v ON v.id = cl.current_version_id AND v.org_id = cl.org_id
      WHERE cl.org_id = d.org_id AND cl.id IN (SELECT a.code_location_id FROM a WHERE a.active)), '[]'::json) AS code_locations
  FROM d`;

type Dated<T> = Omit<T, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };
interface RawRow {
  deployment: Omit<DeploymentModel, 'createdAt'> & { createdAt: string };
  assets: Dated<AssetModel>[];
  codeLocations: (Dated<CodeLocationRecord> & { currentVersion: { version: number; digest: string; createdAt: string } | null })[];
}

/** The launch's catalog read in one statement, scoped to the organization. */
@Injectable()
export class LaunchSelectionRepository {
  constructor(@Inject(TenantDb) private readonly tenant: TenantDb) {}

  /** Reads deployment `deploymentName` of `orgId` and the assets of `keys` (normalized key strings) in it. */
  async find(orgId: string, deploymentName: string, keys: readonly string[]): Promise<LaunchSelectionRows> {
    const res = await this.tenant.raw(orgId, (c) =>
      c.query<{ deployment: RawRow['deployment']; assets: RawRow['assets']; code_locations: RawRow['codeLocations'] }>({
        name: 'gantry_launch_selection',
        text: SQL,
        values: [orgId, deploymentName, keys],
      }),
    );
    const row = res.rows[0];
    if (!row) return { deployment: null, assets: [], codeLocations: [] };
    return {
      deployment: { ...row.deployment, createdAt: new Date(row.deployment.createdAt) },
      assets: row.assets.map((a) => ({ ...a, createdAt: new Date(a.createdAt), updatedAt: new Date(a.updatedAt) })),
      codeLocations: row.code_locations.map((c) => ({
        ...c,
        createdAt: new Date(c.createdAt),
        updatedAt: new Date(c.updatedAt),
        currentVersion: c.currentVersion && { ...c.currentVersion, createdAt: new Date(c.currentVersion.createdAt) },
      })),
    };
  }
}
