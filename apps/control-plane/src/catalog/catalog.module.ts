import { Module } from '@nestjs/common';
import { AssetResolver } from './asset.resolver';
import { CodeLocationResolver } from './code-location.resolver';
import { CatalogLoaders } from './catalog.loaders';
import { CatalogRepository } from './catalog.repository';
import { CatalogResolver } from './catalog.resolver';
import { CatalogService } from './catalog.service';
import { GraphLayoutModule } from './graph-layout/graph-layout.module';
import { GraphLayoutResolver } from './graph-layout/graph-layout.resolver';
import { LaunchSelectionRepository } from './launch-selection.repository';

/** The catalog slice of the public API: deployments, code locations, assets, checks, materializations, the lineage graph layout. */
@Module({
  imports: [GraphLayoutModule],
  providers: [CatalogRepository, LaunchSelectionRepository, CatalogService, CatalogLoaders, CatalogResolver, AssetResolver, CodeLocationResolver, GraphLayoutResolver],
  exports: [CatalogService, CatalogLoaders],
})
export class CatalogModule {}
