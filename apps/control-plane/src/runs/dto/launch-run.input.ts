import { Field, InputType } from '@nestjs/graphql';

/** An inclusive range of partition keys to launch. */
@InputType({ description: 'An inclusive range of partition keys.' })
export class PartitionRangeInput {
  @Field(() => String)
  start!: string;

  @Field(() => String)
  end!: string;
}

/** One run tag. */
@InputType()
export class TagInput {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

/** What to launch: assets of one code location, optionally one partition or a range. */
@InputType({ description: 'Assets of one code location, optionally one partition key or a range.' })
export class LaunchRunInput {
  @Field(() => String, { defaultValue: 'prod' })
  deployment!: string;

  @Field(() => [String], { description: 'Asset keys ("a/b"); all must be active and belong to one code location.' })
  assetKeys!: string[];

  @Field(() => String, { nullable: true, description: 'Required when a selected asset is partitioned (or give partitionRange); forbidden otherwise.' })
  partitionKey?: string | null;

  @Field(() => PartitionRangeInput, { nullable: true })
  partitionRange?: PartitionRangeInput | null;

  @Field(() => [TagInput], { nullable: true })
  tags?: TagInput[] | null;
}
