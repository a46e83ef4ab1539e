import { Inject, UseFilters } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { GraphqlErrorFilter } from '../../api/errors/graphql-error.filter';
import { ExplicitParamTypes } from '../../api/explicit-param-types.decorator';
import type { GraphqlContext } from '../../api/graphql-context';
import { originOfGraphqlContext } from '../../audit/audit-mutation.interceptor';
import type { AuthContext } from '../../auth/auth-context';
import { CurrentAuth } from '../../auth/current-auth.decorator';
import { CostService } from './cost.service';
import { CreateCostBudgetInput } from './dto/create-cost-budget.input';
import { AssetCost, CostBucket, MaterializationCost, PartitionCost } from './models/cost-bucket.model';
import { CostAlert, CostBudget } from './models/cost-budget.model';
import { CostDimension, CostGrain } from './models/cost-enums';

const FROM = { type: () => String, description: 'First day of the window, YYYY-MM-DD (UTC), inclusive.' };
const TO = { type: () => String, description: 'Day after the window, YYYY-MM-DD (UTC), exclusive.' };
const UNIT = { type: () => String, defaultValue: 'USD', description: 'Unit to total: USD, credits, bytes, seconds, gb_seconds, …' };

/** Cost queries (from the daily rollups and the records of one asset) and budgets. */
@Resolver()
@UseFilters(GraphqlErrorFilter)
@ExplicitParamTypes()
export class CostResolver {
  constructor(@Inject(CostService) private readonly cost: CostService) {}

  @Query(() => [CostBucket], { description: 'Cost per asset, group, code location, deployment or organization and time bucket over [from, to) (at most 10,000 rows).' })
  costBreakdown(
    @CurrentAuth() auth: AuthContext,
    @Args('dimension', { type: () => CostDimension }) dimension: CostDimension,
    @Args('from', FROM) from: string,
    @Args('to', TO) to: string,
    @Args('grain', { type: () => CostGrain, defaultValue: CostGrain.DAY }) grain: CostGrain,
    @Args('unit', UNIT) unit: string,
    @Args('deployment', { type: () => String, nullable: true, description: 'Only this deployment (default: all).' }) deployment: string | null | undefined,
  ): Promise<CostBucket[]> {
    return this.cost.breakdown(auth, { dimension, from, to, grain, unit, deployment });
  }

  @Query(() => [AssetCost], { description: 'The assets that cost the most over [from, to), highest first.' })
  topCostAssets(
    @CurrentAuth() auth: AuthContext,
    @Args('from', FROM) from: string,
    @Args('to', TO) to: string,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('unit', UNIT) unit: string,
    @Args('deployment', { type: () => String, nullable: true }) deployment: string | null | undefined,
  ): Promise<AssetCost[]> {
    return this.cost.topAssets(auth, { from, to, first, unit, deployment });
  }

  @Query(() => [CostBucket], { description: 'Cost trend of one asset: one bucket per period with cost.' })
  assetCostTrend(
    @CurrentAuth() auth: AuthContext,
    @Args('deployment', { type: () => String, defaultValue: 'prod' }) deployment: string,
    @Args('key', { type: () => String }) key: string,
    @Args('from', FROM) from: string,
    @Args('to', TO) to: string,
    @Args('grain', { type: () => CostGrain, defaultValue: CostGrain.DAY }) grain: CostGrain,
    @Args('unit', UNIT) unit: string,
  ): Promise<CostBucket[]> {
    return this.cost.assetTrend(auth, { deployment, key, from, to, grain, unit });
  }

  @Query(() => [MaterializationCost], { description: 'The newest materializations of an asset with their cost per unit and source.' })
  assetCostPerMaterialization(
    @CurrentAuth() auth: AuthContext,
    @Args('deployment', { type: () => String, defaultValue: 'prod' }) deployment: string,
    @Args('key', { type: () => String }) key: string,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
  ): Promise<MaterializationCost[]> {
    return this.cost.perMaterialization(auth, { deployment, key, first });
  }

  @Query(() => [PartitionCost], { description: 'Cost of an asset per partition and unit, optionally within [from, to).' })
  assetCostPerPartition(
    @CurrentAuth() auth: AuthContext,
    @Args('deployment', { type: () => String, defaultValue: 'prod' }) deployment: string,
    @Args('key', { type: () => String }) key: string,
    @Args('from', { type: () => String, nullable: true }) from: string | null | undefined,
    @Args('to', { type: () => String, nullable: true }) to: string | null | undefined,
    @Args('unit', { type: () => String, nullable: true }) unit: string | null | undefined,
  ): Promise<PartitionCost[]> {
    return this.cost.perPartition(auth, { deployment, key, from, to, unit });
  }

  @Query(() => [CostBudget], { description: 'Cost budgets of your organization (optionally of one deployment), by name.' })
  costBudgets(@CurrentAuth() auth: AuthContext, @Args('deployment', { type: () => String, nullable: true }) deployment: string | null | undefined): Promise<CostBudget[]> {
    return this.cost.listBudgets(auth, deployment);
  }

  @Query(() => [CostAlert], { description: 'Budget alerts, newest first.' })
  costAlerts(@CurrentAuth() auth: AuthContext, @Args('first', { type: () => Int, defaultValue: 50 }) first: number): Promise<CostAlert[]> {
    return this.cost.alerts(auth, first);
  }

  @Mutation(() => CostBudget, { description: 'Creates a USD budget; crossing 80 % and 100 % in a period alerts its webhook once each.' })
  createCostBudget(@CurrentAuth() auth: AuthContext, @Context() ctx: GraphqlContext, @Args('input', { type: () => CreateCostBudgetInput }) input: CreateCostBudgetInput): Promise<CostBudget> {
    return this.cost.createBudget(auth, input, originOfGraphqlContext(ctx));
  }

  @Mutation(() => Boolean, { description: 'Deletes a budget and its alerts; false when unknown.' })
  deleteCostBudget(@CurrentAuth() auth: AuthContext, @Context() ctx: GraphqlContext, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.cost.deleteBudget(auth, id, originOfGraphqlContext(ctx));
  }
}
