import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';

/** Filters of `auditEvents` and the exports; every given field must match. */
@InputType({ description: 'Filters of auditEvents; every given field must match.' })
export class AuditEventFilterInput {
  @Field(() => String, { nullable: true, description: 'Actor as "<kind>:<id>" (e.g. "api_token:<uuid>"), a bare kind ("system", "agent"), or a bare id.' })
  actor?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact action ("run.launch") or a prefix ending in ".*" ("auth.*").' })
  action?: string | null;

  @Field(() => String, { nullable: true })
  targetType?: string | null;

  @Field(() => String, { nullable: true })
  targetId?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Events at or after this time.' })
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Events before this time.' })
  to?: Date | null;
}
