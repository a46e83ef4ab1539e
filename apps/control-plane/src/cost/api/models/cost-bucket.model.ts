import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

/** Cost of one key (asset, group, code location, deployment or organization) in one time bucket and unit. */
@ObjectType({ description: 'Cost of one key in one time bucket and unit, from the daily rollups.' })
export class CostBucket {
  @Field(() => String, { description: 'Asset key, group name, code location name, deployment name, or the organization slug.' })
  key!: string;

  @Field(() => String, { nullable: true, description: 'Deployment of the key (null for DEPLOYMENT and ORGANIZATION).' })
  deployment!: string | null;

  @Field(() => String, { description: 'First day of the bucket, YYYY-MM-DD (UTC).' })
  periodStart!: string;

  @Field(() => String)
  unit!: string;

  @Field(() => String, { description: 'Exact total, a decimal with 9 fractional digits.' })
  amount!: string;

  @Field(() => Float, { description: 'The total as a float (for charts).' })
  value!: number;

  @Field(() => String, { description: 'Part of the total from the agent’s measurement (exact decimal).' })
  measured!: string;

  @Field(() => String, { description: 'Part of the total priced by the agent (exact decimal).' })
  priced!: string;

  @Field(() => String, { description: 'Part of the total reported by customer code (exact decimal).' })
  reported!: string;

  @Field(() => Int)
  records!: number;
}

/** An asset and its cost over a window. */
@ObjectType({ description: 'An asset and its cost over a window.' })
export class AssetCost {
  @Field(() => String)
  assetKey!: string;

  @Field(() => String)
  deployment!: string;

  @Field(() => String)
  group!: string;

  @Field(() => String)
  unit!: string;

  @Field(() => String, { description: 'Exact total (decimal, 9 fractional digits).' })
  amount!: string;

  @Field(() => Float)
  value!: number;
}

/** One unit's amount of one source. */
@ObjectType({ description: 'An amount in one unit from one source.' })
export class CostAmount {
  @Field(() => String)
  unit!: string;

  @Field(() => String, { description: 'MEASURED, PRICED or REPORTED.' })
  source!: string;

  @Field(() => String, { description: 'Exact amount (decimal, 9 fractional digits).' })
  amount!: string;

  @Field(() => Float)
  value!: number;
}

/** The cost of one materialization: its reported costs and its share of the run's measured cost. */
@ObjectType({ description: 'Cost of one materialization: reported costs and its share of the run’s measured cost.' })
export class MaterializationCost {
  @Field(() => String)
  runId!: string;

  @Field(() => Int, { description: 'Seq of the ASSET_MATERIALIZATION event.' })
  eventSeq!: number;

  @Field(() => String, { nullable: true })
  partitionKey!: string | null;

  @Field(() => Date)
  materializedAt!: Date;

  @Field(() => [CostAmount])
  costs!: CostAmount[];
}

/** Cost of one partition of an asset. */
@ObjectType({ description: 'Cost of one partition of an asset in one unit.' })
export class PartitionCost {
  @Field(() => String, { nullable: true, description: 'Null for records without a partition.' })
  partitionKey!: string | null;

  @Field(() => String)
  unit!: string;

  @Field(() => String)
  amount!: string;

  @Field(() => Float)
  value!: number;

  @Field(() => Int)
  records!: number;
}
