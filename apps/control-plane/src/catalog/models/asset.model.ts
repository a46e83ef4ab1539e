import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { PartitionsDefinition } from './partitions.model';
import { Tag } from './tag.model';

/**
 * An asset of a deployment's catalog. Relations (checks, upstream,
 * downstream, latest materialization and check results, code location) are
 * field resolvers batched per request.
 */
@ObjectType({ description: 'An asset in a deployment catalog.' })
export class Asset {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Key path joined by "/", e.g. "flights/raw".' })
  key!: string;

  @Field(() => [String])
  keyPath!: string[];

  @Field(() => String)
  group!: string;

  @Field(() => [String])
  owners!: string[];

  @Field(() => [Tag])
  tags!: Tag[];

  @Field(() => [String])
  kinds!: string[];

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true })
  codeVersion!: string | null;

  @Field(() => PartitionsDefinition, { nullable: true, description: 'Null for unpartitioned assets.' })
  partitionsDefinition!: PartitionsDefinition | null;

  @Field(() => Boolean, { description: 'False once the asset disappeared from its code location.' })
  active!: boolean;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  /** Internal: for field resolvers. */
  deploymentId!: string;
  /** Internal: for field resolvers. */
  codeLocationId!: string;
}
