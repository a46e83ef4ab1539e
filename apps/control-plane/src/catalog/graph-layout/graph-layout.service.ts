import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logger';
import { DeploymentNotFoundError } from '../catalog.errors';
import { CatalogRepository } from '../catalog.repository';
import type { AssetGraphLayout } from './asset-graph-layout.model';
import { catalogFingerprint, normalizeAssetGraph } from './catalog-fingerprint';
import { LayoutCache } from './layout-cache';
import { GraphLayoutWorker } from './layout-thread';

/** Layouts kept per replica (one per deployment in use, normally). */
export const LAYOUT_CACHE_ENTRIES = 64;

/**
 * Lineage graph layouts of deployments: read the active assets and their
 * edges (under the organization, RLS), fingerprint them, and lay them out in
 * the worker thread once per fingerprint (cached in memory per replica, LRU;
 * concurrent callers share one computation). {@link warm} precomputes after
 * a catalog change so the console's first request finds it ready.
 */
@Injectable()
export class GraphLayoutService implements OnModuleDestroy {
  private readonly log: Logger;
  private readonly worker = new GraphLayoutWorker();
  private readonly cache = new LayoutCache<AssetGraphLayout>(LAYOUT_CACHE_ENTRIES);
  private computed = 0;

  constructor(
    @Inject(CatalogRepository) private readonly repo: CatalogRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'graph-layout' });
  }

  /** The layout of the deployment named `deploymentName`. Errors: DeploymentNotFoundError; AssetGraphCycleError; Error when the worker fails. */
  async layout(orgId: string, deploymentName: string): Promise<AssetGraphLayout> {
    const deployment = await this.repo.findDeploymentByName(orgId, deploymentName);
    if (!deployment) throw new DeploymentNotFoundError(deploymentName);
    const assets = normalizeAssetGraph(await this.repo.assetGraph(orgId, deployment.id));
    const fingerprint = catalogFingerprint(assets);
    return this.cache.get(`${orgId}/${deployment.id}`, fingerprint, async () => {
      const { layout, durationMs } = await this.worker.layout(assets);
      this.computed++;
      this.log.info({ orgId, deployment: deploymentName, fingerprint, assets: assets.length, durationMs: Math.round(durationMs) }, 'asset graph laid out');
      const index = new Map(layout.nodes.map((n, i) => [n.key, i]));
      const edges = assets.flatMap((a) => a.upstream.map((upstream): [number, number] => [index.get(upstream)!, index.get(a.key)!]));
      return { fingerprint, ...layout, edges };
    });
  }

  /** Computes the deployment's layout in the background (after a catalog change); failures are logged, never thrown. */
  warm(orgId: string, deploymentName: string): void {
    this.layout(orgId, deploymentName).catch((error: unknown) => {
      this.log.warn({ orgId, deployment: deploymentName, err: error }, 'asset graph layout failed while warming the cache');
    });
  }

  /** Layouts computed by this replica so far (cache misses that succeeded; for tests and metrics). */
  get layoutsComputed(): number {
    return this.computed;
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker.close();
  }
}
