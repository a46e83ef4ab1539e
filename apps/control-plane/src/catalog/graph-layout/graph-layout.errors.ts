import { DomainError } from '../../api/errors/domain-error';
import type { CatalogErrorCode } from '../catalog.errors';

/** How many keys an {@link AssetGraphCycleError} names at most. */
const NAMED_KEYS = 10;

/**
 * The asset dependencies form a cycle, so there is no left-to-right layout.
 * Reported definitions are checked for cycles, so this means inconsistent
 * catalog rows (CONFLICT). `assetKeys`: up to 10 of the assets on or after a cycle.
 */
export class AssetGraphCycleError extends DomainError<CatalogErrorCode> {
  readonly code = 'ASSET_GRAPH_CYCLE';
  constructor(readonly keys: readonly string[]) {
    const named = keys.slice(0, NAMED_KEYS);
    super(
      `the asset graph has a dependency cycle: ${keys.length} asset(s) lie on or after one (${named.map((k) => JSON.stringify(k)).join(', ')}${keys.length > named.length ? ', …' : ''})`,
      { assetKeys: named },
    );
  }
}
