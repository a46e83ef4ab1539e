import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '../../api/pagination/connection';
import { JSONScalar, type JsonValue } from '../../api/scalars/json.scalar';

/** A materialization of an asset, reported by a run. */
@ObjectType({ description: 'A materialization of an asset, reported by a run.' })
export class Materialization {
  @Field(() => ID)
  runId!: string;

  @Field(() => Int, { description: 'Sequence number of the run event that reported it.' })
  eventSeq!: number;

  @Field(() => String, { nullable: true })
  partitionKey!: string | null;

  @Field(() => String, { nullable: true })
  dataVersion!: string | null;

  @Field(() => String, { nullable: true })
  codeVersion!: string | null;

  @Field(() => JSONScalar, { description: 'Metadata entries in Dagster Pipes shape: { name: { raw_value, type } }.' })
  metadata!: JsonValue;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  /** Internal: keyset cursor. */
  id!: string;
}

/** Materializations of an asset, newest first. */
@ObjectType()
export class MaterializationConnection extends Connection(Materialization, 'Materialization') {}
