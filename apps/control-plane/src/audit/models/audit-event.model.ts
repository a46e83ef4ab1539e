import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '../../api/pagination/connection';
import { JSONScalar, type JsonValue } from '../../api/scalars/json.scalar';

/** Who performed an audited operation. */
@ObjectType({ description: 'Who performed an audited operation.' })
export class AuditActor {
  @Field(() => String, { description: 'user, api_token, agent or system.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'users.id, api_tokens.id or agent_tokens.id; null for system.' })
  id!: string | null;

  @Field(() => String, { nullable: true, description: 'Display label: an email, a token or agent name.' })
  label!: string | null;
}

/** What an audited operation acted on. */
@ObjectType({ description: 'What an audited operation acted on.' })
export class AuditTarget {
  @Field(() => String, { description: 'e.g. run, api_token, agent, user, graphql_mutation.' })
  type!: string;

  @Field(() => String, { nullable: true })
  id!: string | null;
}

/** One entry of the organization's audit log, a link of its hash chain. */
@ObjectType({ description: "One entry of the organization's audit log, a link of its hash chain." })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'Position in the organization\'s chain: 1, 2, …' })
  seq!: number;

  @Field(() => GraphQLISODateTime)
  occurredAt!: Date;

  @Field(() => AuditActor)
  actor!: AuditActor;

  @Field(() => String, { description: 'Dotted action, e.g. run.launch, auth.token_rejected, graphql.cancelRun.' })
  action!: string;

  @Field(() => AuditTarget, { nullable: true })
  target!: AuditTarget | null;

  @Field(() => String, { description: 'success or failure.' })
  outcome!: string;

  @Field(() => JSONScalar, { nullable: true, description: 'Value before the change (never secrets).' })
  before!: JsonValue | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Value after the change (never secrets).' })
  after!: JsonValue | null;

  @Field(() => JSONScalar, { description: 'Further context: redacted arguments, error code, reason.' })
  metadata!: JsonValue;

  @Field(() => String, { nullable: true })
  sourceIp!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => String, { description: 'Hash of the previous event (64 zeros for seq 1).' })
  prevHash!: string;

  @Field(() => String, { description: 'SHA-256 (hex) over the canonical JSON of every other field.' })
  hash!: string;
}

/** A page of audit events, newest first. */
@ObjectType()
export class AuditEventConnection extends Connection(AuditEvent, 'AuditEvent') {}
