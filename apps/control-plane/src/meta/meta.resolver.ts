import { Inject } from '@nestjs/common';
import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config/control-plane.config';

/** The control plane's version (semver), as `serverInfo` and the console report it. */
export const SERVER_VERSION = '0.1.0';

/**
 * The `host:port` agents dial: GANTRY_AGENT_ENDPOINT, else set by
 * startControlPlane once gRPC has bound (the port may be 0 until then).
 */
export class AgentEndpointRef {
  current = '';
}

/** Build information of the control plane. */
@ObjectType()
export class ServerInfo {
  @Field(() => String, { description: 'Control plane version (semver).' })
  version!: string;

  @Field(() => String, { description: 'Agent protocol package served over gRPC.' })
  agentProtocol!: string;

  @Field(() => String, {
    description: 'host:port agents dial for the gRPC AgentService (GANTRY_AGENT_ENDPOINT, else the address gRPC bound), for install commands.',
  })
  agentEndpoint!: string;
}

/** Public, unauthenticated facts about the server. */
@Resolver(() => ServerInfo)
export class MetaResolver {
  constructor(
    @Inject(AgentEndpointRef) private readonly endpoint: AgentEndpointRef,
    @Inject(CONTROL_PLANE_CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  @Query(() => ServerInfo, { description: 'Version and protocol of this control plane.' })
  serverInfo(): ServerInfo {
    return {
      version: SERVER_VERSION,
      agentProtocol: 'gantry.agent.v1',
      agentEndpoint: this.config.agentEndpoint ?? this.endpoint.current,
    };
  }
}
