import { Inject } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphqlContext } from '../api/graphql-context';
import { CatalogLoaders } from './catalog.loaders';
import type { AssetView } from './catalog.mappers';
import { Asset } from './models/asset.model';
import { AssetCheck, AssetCheckEvaluation } from './models/asset-check.model';
import { CodeLocation } from './models/code-location.model';
import { Materialization } from './models/materialization.model';
import { partitionKeys } from './partitions';

/** Relations of an asset, each batched per request through {@link CatalogLoaders}. */
@Resolver(() => Asset)
export class AssetResolver {
  constructor(@Inject(CatalogLoaders) private readonly loaders: CatalogLoaders) {}

  @ResolveField('codeLocation', () => CodeLocation, { nullable: true })
  codeLocation(@Parent() asset: AssetView, @Context() ctx: GraphqlContext): Promise<CodeLocation | null> {
    return this.loaders.for(ctx).codeLocation.load(asset.codeLocationId);
  }

  @ResolveField('partitionKeys', () => [String], { nullable: true, description: 'Every partition key in order; null for unpartitioned assets.' })
  partitionKeys(@Parent() asset: AssetView): string[] | null {
    return asset.partitionsSpec ? partitionKeys(asset.partitionsSpec) : null;
  }

  @ResolveField('checks', () => [AssetCheck])
  checks(@Parent() asset: AssetView, @Context() ctx: GraphqlContext): Promise<AssetCheck[]> {
    return this.loaders.for(ctx).checks.load(asset.id);
  }

  @ResolveField('upstream', () => [Asset], { description: 'Assets this asset depends on.' })
  upstream(@Parent() asset: AssetView, @Context() ctx: GraphqlContext): Promise<AssetView[]> {
    return this.loaders.for(ctx).upstream.load(asset.id);
  }

  @ResolveField('downstream', () => [Asset], { description: 'Assets that depend on this asset.' })
  downstream(@Parent() asset: AssetView, @Context() ctx: GraphqlContext): Promise<AssetView[]> {
    return this.loaders.for(ctx).downstream.load(asset.id);
  }

  @ResolveField('latestMaterialization', () => Materialization, { nullable: true })
  latestMaterialization(@Parent() asset: AssetView, @Context() ctx: GraphqlContext): Promise<Materialization | null> {
    return this.loaders.for(ctx).latestMaterialization.load(asset.id);
  }

  @ResolveField('latestCheckEvaluations', () => [AssetCheckEvaluation], { description: 'The newest evaluation of each check, by check name.' })
  latestCheckEvaluations(@Parent() asset: AssetView, @Context() ctx: GraphqlContext): Promise<AssetCheckEvaluation[]> {
    return this.loaders.for(ctx).latestCheckEvaluations.load(asset.id);
  }
}
