import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';

/** An agent of the caller's organization as the console and scripts see it (read-only). */
@ObjectType({ description: 'An agent that connected with one of your agent tokens.' })
export class Agent {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Agent version (semver).' })
  version!: string;

  @Field(() => String, { description: 'Run launcher: process, kubernetes or ecs.' })
  launcher!: string;

  @Field(() => Int, { description: 'Runs it can hold at once.' })
  slots!: number;

  @Field(() => Boolean)
  connected!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  connectedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastHeartbeatAt!: Date | null;

  /** Internal: ids behind the `deployments` field. */
  deploymentIds!: string[];
}
