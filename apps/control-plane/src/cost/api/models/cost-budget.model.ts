import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { CostGrain } from './cost-enums';
import { CostBudgetScopeEnum } from './cost-enums';

/** A USD budget over a calendar period. */
@ObjectType({ description: 'A USD budget for an asset, a group or a deployment over a calendar period; alerts at 80 % and 100 %.' })
export class CostBudget {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  deployment!: string;

  @Field(() => CostBudgetScopeEnum)
  scope!: CostBudgetScopeEnum;

  @Field(() => String, { nullable: true })
  assetKey!: string | null;

  @Field(() => String, { nullable: true })
  group!: string | null;

  @Field(() => CostGrain, { description: 'DAY, WEEK (ISO, from Monday) or MONTH, in UTC.' })
  period!: CostGrain;

  @Field(() => String, { description: 'Limit in USD (exact decimal).' })
  limitUsd!: string;

  @Field(() => String)
  webhookUrl!: string;

  @Field(() => Date)
  createdAt!: Date;
}

/** A threshold of a budget crossed in one period. */
@ObjectType({ description: 'A budget threshold (80 or 100 %) crossed in one period, and its webhook delivery.' })
export class CostAlert {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  budgetId!: string;

  @Field(() => String)
  budgetName!: string;

  @Field(() => String, { description: 'First day of the period, YYYY-MM-DD (UTC).' })
  periodStart!: string;

  @Field(() => Int)
  thresholdPercent!: number;

  @Field(() => String)
  spentUsd!: string;

  @Field(() => Float)
  spentValue!: number;

  @Field(() => String)
  limitUsd!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;
}
