import { Module } from '@nestjs/common';
import { CatalogRepository } from '../catalog.repository';
import { GraphLayoutService } from './graph-layout.service';

/**
 * Server-side layout of the asset lineage graph (service, worker thread,
 * cache). Imported by the catalog (the `assetGraphLayout` query) and by the
 * agent slice (warming after ReportCodeLocations); one instance per app, so
 * both share the cache.
 */
@Module({
  providers: [CatalogRepository, GraphLayoutService],
  exports: [GraphLayoutService],
})
export class GraphLayoutModule {}
