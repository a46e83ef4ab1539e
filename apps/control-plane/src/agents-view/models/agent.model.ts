import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

/** How an agent is doing, from its session and its last heartbeat. */
export enum AgentHealth {
  HEALTHY = 'HEALTHY',
  UNHEALTHY = 'UNHEALTHY',
  DISCONNECTED = 'DISCONNECTED',
}
registerEnumType(AgentHealth, {
  name: 'AgentHealth',
  description:
    'HEALTHY: connected and heartbeating. UNHEALTHY: connected but no heartbeat for more than two heartbeat intervals. ' +
    'DISCONNECTED: no session, or no heartbeat for longer than the lease TTL (its runs\' leases expire).',
});

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

  @Field(() => [String], { description: 'Queues it serves; it only runs code locations of these queues.' })
  queues!: string[];

  @Field(() => Int, { description: 'Runs it holds now (STARTING, STARTED or CANCELING).' })
  runsInFlight!: number;

  @Field(() => AgentHealth, { description: 'Computed from `connected` and `lastHeartbeatAt`.' })
  health!: AgentHealth;

  @Field(() => Boolean)
  connected!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  connectedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastHeartbeatAt!: Date | null;

  /** Internal: ids behind the `deployments` field. */
  deploymentIds!: string[];
}
