import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import type { RunStatus } from '@gantry/domain';
import { Connection } from '../../api/pagination/connection';
import { Tag } from '../../catalog/models/tag.model';
import { RunStatusEnum } from './run-status.enum';

/** An inclusive range of partition keys. */
@ObjectType({ description: 'An inclusive range of partition keys.' })
export class PartitionRange {
  @Field(() => String)
  start!: string;

  @Field(() => String)
  end!: string;
}

/** A run of an asset selection. Deployment, code location, agent and events are field resolvers. */
@ObjectType({ description: 'A run of an asset selection.' })
export class Run {
  @Field(() => ID)
  id!: string;

  @Field(() => RunStatusEnum)
  status!: RunStatus;

  @Field(() => [String])
  assetKeys!: string[];

  @Field(() => String, { nullable: true })
  partitionKey!: string | null;

  @Field(() => PartitionRange, { nullable: true })
  partitionRange!: PartitionRange | null;

  @Field(() => [Tag])
  tags!: Tag[];

  @Field(() => Int, { description: 'Version of the code location the run executes.' })
  codeLocationVersion!: number;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => String, { nullable: true, description: 'Who launched it, e.g. api_token:<id>.' })
  launchedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'W3C traceparent of the launch.' })
  traceparent!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  endedAt!: Date | null;

  /** Internal: for field resolvers. */
  deploymentId!: string;
  /** Internal: for field resolvers. */
  codeLocationId!: string;
  /** Internal: for field resolvers. */
  agentId!: string | null;
}

/** Runs, newest first. */
@ObjectType()
export class RunConnection extends Connection(Run, 'Run') {}
