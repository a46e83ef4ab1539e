import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '../../api/pagination/connection';
import { JSONScalar, type JsonValue } from '../../api/scalars/json.scalar';

/** An event of a run (append-only, ordered by `seq`). */
@ObjectType({ description: 'An event of a run, ordered by seq (assigned by the agent, from 1).' })
export class RunEvent {
  @Field(() => ID)
  runId!: string;

  @Field(() => Int)
  seq!: number;

  @Field(() => String, {
    description:
      'RUN_STARTING, RUN_STARTED, RUN_SUCCESS, RUN_FAILURE, RUN_CANCELED, LOG, COMPUTE_LOG, PIPES_OPENED, PIPES_CLOSED, PIPES_ERROR, ASSET_MATERIALIZATION, ASSET_CHECK_EVALUATION, CUSTOM_MESSAGE (see @gantry/domain run-event.ts for payload shapes).',
  })
  type!: string;

  @Field(() => String, { nullable: true })
  level!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => String, { nullable: true })
  assetKey!: string | null;

  @Field(() => JSONScalar)
  payload!: JsonValue;

  @Field(() => GraphQLISODateTime, { description: 'When the event happened at the source.' })
  timestamp!: Date;
}

/** Events of a run in `seq` order; a cursor is the event's seq in decimal. */
@ObjectType()
export class RunEventConnection extends Connection(RunEvent, 'RunEvent') {}
