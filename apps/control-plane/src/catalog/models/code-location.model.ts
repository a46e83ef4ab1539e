import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';

/** A code location of a deployment with its current (latest reported) version. */
@ObjectType({ description: 'A versioned unit of customer code in a deployment.' })
export class CodeLocation {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Name of the deployment it belongs to.' })
  deployment!: string;

  @Field(() => Int, { nullable: true, description: 'Number of the current version (1, 2, …); null before an agent reported one.' })
  currentVersion!: number | null;

  @Field(() => String, { nullable: true, description: 'SHA-256 of the current definition (canonical JSON).' })
  digest!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the current version was reported.' })
  versionCreatedAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  /** Internal: resolves `assetCount`. */
  deploymentId!: string;
}
