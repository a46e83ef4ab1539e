import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';

/** The control plane's version (semver), as `serverInfo` and the console report it. */
export const SERVER_VERSION = '0.1.0';

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
    return { version: SERVER_VERSION, agentProtocol: 'gantry.agent.v1' };
  }
}
