import { DomainError } from '../api/errors/domain-error';

/** Codes of catalog errors (deployments, code locations, assets). */
export type CatalogErrorCode = 'DEPLOYMENT_NOT_FOUND' | 'ASSET_NOT_FOUND' | 'ASSET_GRAPH_CYCLE';

/** No deployment of that name in the caller's organization. */
export class DeploymentNotFoundError extends DomainError<CatalogErrorCode> {
  readonly code = 'DEPLOYMENT_NOT_FOUND';
  constructor(deployment: string) {
    super(`deployment ${JSON.stringify(deployment)} not found`, { deployment });
  }
}

/** One or more asset keys that are unknown or no longer active in the deployment. */
export class AssetNotFoundError extends DomainError<CatalogErrorCode> {
  readonly code = 'ASSET_NOT_FOUND';
  constructor(deployment: string, assetKeys: readonly string[]) {
    super(
      `asset${assetKeys.length > 1 ? 's' : ''} ${assetKeys.map((k) => JSON.stringify(k)).join(', ')} not found (or not active) in deployment ${JSON.stringify(deployment)}`,
      { deployment, assetKeys: [...assetKeys] },
    );
  }
}
