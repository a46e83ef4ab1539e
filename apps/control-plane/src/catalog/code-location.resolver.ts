import { Inject } from '@nestjs/common';
import { Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphqlContext } from '../api/graphql-context';
import { CatalogLoaders } from './catalog.loaders';
import { CodeLocation } from './models/code-location.model';

/** Computed fields of a code location. */
@Resolver(() => CodeLocation)
export class CodeLocationResolver {
  constructor(@Inject(CatalogLoaders) private readonly loaders: CatalogLoaders) {}

  @ResolveField('assetCount', () => Int, { description: 'Number of active assets.' })
  assetCount(@Parent() location: CodeLocation, @Context() ctx: GraphqlContext): Promise<number> {
    return this.loaders.for(ctx).assetCount.load(location.id);
  }
}
