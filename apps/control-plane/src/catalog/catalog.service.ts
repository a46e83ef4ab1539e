import { Inject, Injectable } from '@nestjs/common';
import type { DeploymentModel } from '@gantry/db';
import { assetKeyToString, InvalidAssetKeyError, parseAssetKey } from '@gantry/domain';
import { InvalidArgumentError } from '../api/errors/api.errors';
import { decodeTimeIdCursor, encodeTimeIdCursor, pageSize } from '../api/pagination/cursor';
import { toConnection, type ConnectionShape } from '../api/pagination/connection';
import type { AuthContext } from '../auth/auth-context';
import { AssetNotFoundError, DeploymentNotFoundError } from './catalog.errors';
import { toAsset, toCodeLocation, toDeployment, toMaterialization, type AssetView } from './catalog.mappers';
import { CatalogRepository, type AssetFilter, type CodeLocationRecord } from './catalog.repository';
import { LaunchSelectionRepository } from './launch-selection.repository';
import type { CodeLocation } from './models/code-location.model';
import type { Deployment } from './models/deployment.model';
import type { Materialization } from './models/materialization.model';

/** The assets a launch selected, all found and active, with their code locations. */
export interface LaunchSelection {
  deployment: DeploymentModel;
  assets: AssetView[];
  codeLocations: CodeLocationRecord[];
}

/** Normalizes an asset key argument (`"a/b"`). Errors: InvalidArgumentError for empty keys or parts. */
export function normalizeAssetKey(key: string, argument = 'key'): string {
  try {
    return assetKeyToString(parseAssetKey(key));
  } catch (error) {
    if (error instanceof InvalidAssetKeyError) throw new InvalidArgumentError(argument, error.message);
    throw error;
  }
}

/**
 * Read side of the catalog for the public API. Every method starts from the
 * caller's organization; deployments are addressed by name.
 */
@Injectable()
export class CatalogService {
  constructor(
    @Inject(CatalogRepository) private readonly repo: CatalogRepository,
    @Inject(LaunchSelectionRepository) private readonly launchRows: LaunchSelectionRepository,
  ) {}

  async deployments(auth: AuthContext): Promise<Deployment[]> {
    return (await this.repo.listDeployments(auth.orgId)).map(toDeployment);
  }

  /** The deployment named `name`. Errors: DeploymentNotFoundError. */
  async requireDeployment(orgId: string, name: string): Promise<DeploymentModel> {
    const deployment = await this.repo.findDeploymentByName(orgId, name);
    if (!deployment) throw new DeploymentNotFoundError(name);
    return deployment;
  }

  async codeLocations(auth: AuthContext, deploymentName: string): Promise<CodeLocation[]> {
    const deployment = await this.requireDeployment(auth.orgId, deploymentName);
    return (await this.repo.listCodeLocations(auth.orgId, deployment.id)).map((r) => toCodeLocation(r, deployment.name));
  }

  async assets(auth: AuthContext, deploymentName: string, filter: AssetFilter): Promise<AssetView[]> {
    const deployment = await this.requireDeployment(auth.orgId, deploymentName);
    return (await this.repo.listAssets(auth.orgId, deployment.id, filter)).map(toAsset);
  }

  /** One asset by key (active or not), or null. */
  async asset(auth: AuthContext, deploymentName: string, key: string): Promise<AssetView | null> {
    const deployment = await this.requireDeployment(auth.orgId, deploymentName);
    const [row] = await this.repo.findAssetsByKeys(auth.orgId, deployment.id, [normalizeAssetKey(key)]);
    return row ? toAsset(row) : null;
  }

  /** Materialization history of an asset, newest first. Errors: ASSET_NOT_FOUND, INVALID_CURSOR, INVALID_ARGUMENT. */
  async materializations(auth: AuthContext, deploymentName: string, key: string, first: number, after: string | null | undefined): Promise<ConnectionShape<Materialization>> {
    const limit = pageSize(first);
    const cursor = after ? decodeTimeIdCursor('materialization', after) : null;
    const deployment = await this.requireDeployment(auth.orgId, deploymentName);
    const normalized = normalizeAssetKey(key);
    const [asset] = await this.repo.findAssetsByKeys(auth.orgId, deployment.id, [normalized]);
    if (!asset) throw new AssetNotFoundError(deploymentName, [normalized]);
    const rows = await this.repo.listMaterializations(auth.orgId, asset.id, limit + 1, cursor);
    return toConnection(rows, limit, (r) => encodeTimeIdCursor('materialization', r.createdAt, r.id), toMaterialization);
  }

  /**
   * Finds the assets of a launch: every key must name an active asset of the
   * deployment. Errors: DeploymentNotFoundError; AssetNotFoundError naming
   * every missing or inactive key; InvalidArgumentError for malformed keys.
   */
  async launchSelection(orgId: string, deploymentName: string, keys: readonly string[]): Promise<LaunchSelection> {
    if (keys.length === 0) throw new InvalidArgumentError('assetKeys', 'select at least one asset');
    const normalized = [...new Set(keys.map((k) => normalizeAssetKey(k, 'assetKeys')))];
    const { deployment, assets: rows, codeLocations } = await this.launchRows.find(orgId, deploymentName, normalized);
    if (!deployment) throw new DeploymentNotFoundError(deploymentName);
    const active = new Map(rows.filter((r) => r.active).map((r) => [r.key, r]));
    const missing = normalized.filter((k) => !active.has(k));
    if (missing.length) throw new AssetNotFoundError(deploymentName, missing);
    const assets = normalized.map((k) => toAsset(active.get(k)!));
    return { deployment, assets, codeLocations };
  }
}
