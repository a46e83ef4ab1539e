import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin, GraphQLRequestListener, GraphQLServerContext } from '@apollo/server';
import { Inject } from '@nestjs/common';
import { Plugin } from '@nestjs/apollo';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../../config/control-plane.config';
import type { GraphqlContext } from '../graphql-context';
import { clientIp } from './client-ip';
import { GraphqlWsGate } from './graphql-ws-gate';
import { operationLimitErrors } from './operation-limits';
import { RequestAdmission } from './request-admission';

function isIncomingMessage(value: unknown): value is IncomingMessage {
  return typeof value === 'object' && value !== null && 'headers' in value && 'socket' in value;
}

/**
 * The edge limits of GraphQL over HTTP, once the operation is parsed and
 * validated and before any resolver runs: depth and cost (400
 * QUERY_TOO_DEEP / QUERY_TOO_COSTLY), then the rate limits (429 RATE_LIMITED
 * with `Retry-After`). Also hands the schema to the graphql-ws gate, which
 * applies the same limits to operations over WebSocket.
 */
@Plugin()
export class OperationLimitsPlugin implements ApolloServerPlugin<GraphqlContext> {
  constructor(
    @Inject(CONTROL_PLANE_CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(RequestAdmission) private readonly admission: RequestAdmission,
    @Inject(GraphqlWsGate) private readonly wsGate: GraphqlWsGate,
  ) {}

  async serverWillStart({ schema }: GraphQLServerContext): Promise<void> {
    this.wsGate.bind(schema, (ctx, ip) => this.admission.admit(ctx, ip));
  }

  async requestDidStart(): Promise<GraphQLRequestListener<GraphqlContext>> {
    const { limits, httpSecurity } = this.config;
    const admission = this.admission;
    return {
      async didResolveOperation({ schema, document, operationName, request, contextValue }) {
        const [limitError] = operationLimitErrors(limits, { schema, document, operationName, variables: request.variables });
        if (limitError) throw limitError;
        const req = contextValue.req;
        const ip = isIncomingMessage(req) ? clientIp(req, httpSecurity.trustProxyHops) : 'unknown';
        const refusal = await admission.admit(contextValue, ip);
        if (refusal) throw refusal;
      },
    };
  }
}
