import { Field, Float, InputType } from '@nestjs/graphql';
import { CostBudgetScopeEnum, CostGrain } from '../models/cost-enums';

/** A budget to create. */
@InputType({ description: 'A USD budget: scope ASSET needs assetKey, GROUP needs group; DEPLOYMENT covers the whole deployment.' })
export class CreateCostBudgetInput {
  @Field(() => String, { description: 'Unique within the organization.' })
  name!: string;

  @Field(() => String, { defaultValue: 'prod' })
  deployment!: string;

  @Field(() => CostBudgetScopeEnum)
  scope!: CostBudgetScopeEnum;

  @Field(() => String, { nullable: true })
  assetKey?: string | null;

  @Field(() => String, { nullable: true })
  group?: string | null;

  @Field(() => CostGrain)
  period!: CostGrain;

  @Field(() => Float, { description: 'USD, > 0 and at most 1,000,000,000.' })
  limitUsd!: number;

  @Field(() => String, { description: 'Slack-compatible incoming webhook (http or https).' })
  webhookUrl!: string;
}
