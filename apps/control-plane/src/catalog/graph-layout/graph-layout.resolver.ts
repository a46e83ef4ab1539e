import { Inject, UseFilters } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { GraphqlErrorFilter } from '../../api/errors/graphql-error.filter';
import { ExplicitParamTypes } from '../../api/explicit-param-types.decorator';
import type { AuthContext } from '../../auth/auth-context';
import { CurrentAuth } from '../../auth/current-auth.decorator';
import { AssetGraphLayout } from './asset-graph-layout.model';
import { GraphLayoutService } from './graph-layout.service';

/** The `assetGraphLayout` query: positions of the lineage graph, laid out on the server. */
@Resolver()
@UseFilters(GraphqlErrorFilter)
@ExplicitParamTypes()
export class GraphLayoutResolver {
  constructor(@Inject(GraphLayoutService) private readonly layouts: GraphLayoutService) {}

  @Query(() => AssetGraphLayout, {
    description:
      'Positions (px, top-left corners, layers left to right) of every active asset of a deployment in its lineage graph, laid out on the server and cached until the catalog changes. Errors: DEPLOYMENT_NOT_FOUND; ASSET_GRAPH_CYCLE when the stored dependencies form a cycle.',
  })
  assetGraphLayout(
    @CurrentAuth() auth: AuthContext,
    @Args('deployment', { type: () => String, defaultValue: 'prod' }) deployment: string,
  ): Promise<AssetGraphLayout> {
    return this.layouts.layout(auth.orgId, deployment);
  }
}
