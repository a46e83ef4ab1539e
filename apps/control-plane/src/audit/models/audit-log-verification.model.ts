import { Field, Int, ObjectType } from '@nestjs/graphql';

/** Result of checking an organization's audit hash chain. */
@ObjectType({ description: "Result of checking the organization's audit hash chain." })
export class AuditLogVerification {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => Int, { description: 'Events checked (up to and including the first broken one).' })
  eventsChecked!: number;

  @Field(() => Int, { nullable: true, description: 'seq of the first event whose hash or link is wrong; null when ok.' })
  firstBrokenSeq!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the chain breaks there; null when ok.' })
  reason!: string | null;
}
