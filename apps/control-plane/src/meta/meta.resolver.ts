import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';

/** Build information of the control plane. */
@ObjectType()
export class ServerInfo {
  @Field(() => String, { description: 'Control plane version (semver).' })
  version!: string;

  @Field(() => String, { description: 'Agent protocol package served over gRPC.' })
  agentProtocol!: string;
}

/** Public, unauthenticated facts about the server. */
@Resolver(() => ServerInfo)
export class MetaResolver {
  @Query(() => ServerInfo, { description: 'Version and protocol of this control plane.' })
  serverInfo(): ServerInfo {
    return { version: '0.1.0', agentProtocol: 'gantry.agent.v1' };
  }
}
