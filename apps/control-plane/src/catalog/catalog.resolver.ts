import { Inject, UseFilters } from '@nestjs/common';
import { ExplicitParamTypes } from '../api/explicit-param-types.decorator';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { GraphqlErrorFilter } from '../api/errors/graphql-error.filter';
import type { ConnectionShape } from '../api/pagination/connection';
import type { AuthContext } from '../auth/auth-context';
import { CurrentAuth } from '../auth/current-auth.decorator';
import { CatalogService } from './catalog.service';
import { Asset } from './models/asset.model';
import { CodeLocation } from './models/code-location.model';
import { Deployment } from './models/deployment.model';
import { MaterializationConnection, type Materialization } from './models/materialization.model';
import type { AssetView } from './catalog.mappers';

/** Root queries of the catalog: deployments, code locations, assets, materialization history. */
@Resolver()
@UseFilters(GraphqlErrorFilter)
@ExplicitParamTypes()
export class CatalogResolver {
  constructor(@Inject(CatalogService) private readonly catalog: CatalogService) {}

  @Query(() => [Deployment], { description: 'Deployments of your organization.' })
  deployments(@CurrentAuth() auth: AuthContext): Promise<Deployment[]> {
    return this.catalog.deployments(auth);
  }

  @Query(() => [CodeLocation], { description: 'Code locations of a deployment with their current version.' })
  codeLocations(
    @CurrentAuth() auth: AuthContext,
    @Args('deployment', { type: () => String, defaultValue: 'prod' }) deployment: string,
  ): Promise<CodeLocation[]> {
    return this.catalog.codeLocations(auth, deployment);
  }

  @Query(() => [Asset], { description: 'Active assets of a deployment, by key; filter by group and a case-insensitive search of key and description.' })
  assets(
    @CurrentAuth() auth: AuthContext,
    @Args('deployment', { type: () => String, defaultValue: 'prod' }) deployment: string,
    @Args('group', { type: () => String, nullable: true }) group: string | null | undefined,
    @Args('search', { type: () => String, nullable: true }) search: string | null | undefined,
  ): Promise<AssetView[]> {
    return this.catalog.assets(auth, deployment, { group, search });
  }

  @Query(() => Asset, { nullable: true, description: 'One asset by key ("a/b"), active or not; null when unknown.' })
  asset(
    @CurrentAuth() auth: AuthContext,
    @Args('deployment', { type: () => String, defaultValue: 'prod' }) deployment: string,
    @Args('key', { type: () => String }) key: string,
  ): Promise<AssetView | null> {
    return this.catalog.asset(auth, deployment, key);
  }

  @Query(() => MaterializationConnection, { description: 'Materializations of an asset, newest first (at most 100 per page).' })
  assetMaterializations(
    @CurrentAuth() auth: AuthContext,
    @Args('deployment', { type: () => String, defaultValue: 'prod' }) deployment: string,
    @Args('key', { type: () => String }) key: string,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
  ): Promise<ConnectionShape<Materialization>> {
    return this.catalog.materializations(auth, deployment, key, first, after);
  }
}
