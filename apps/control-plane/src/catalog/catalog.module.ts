import { Module } from '@nestjs/common';
import { AssetResolver } from './asset.resolver';
import { CodeLocationResolver } from './code-location.resolver';
import { CatalogLoaders } from './catalog.loaders';
import { CatalogRepository } from './catalog.repository';
import { CatalogResolver } from './catalog.resolver';
import { CatalogService } from './catalog.service';
import { LaunchSelectionRepository } from './launch-selection.repository';

/** The catalog slice of the public API: deployments, code locations, assets, checks, materializations. */
@Module({
  providers: [CatalogRepository, LaunchSelectionRepository, CatalogService, CatalogLoaders, CatalogResolver, AssetResolver, CodeLocationResolver],
  exports: [CatalogService, CatalogLoaders],
})
export class CatalogModule {}
