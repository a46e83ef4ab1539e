import type { IncomingMessage } from 'node:http';
import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { ApiLimitsConfig } from './api-limits.config';
import type { GraphqlContext } from '../graphql-context';
import { clientIp } from './client-ip';
import { withoutHttp } from './limit-errors';
import { operationLimitErrors, queryLengthError } from './operation-limits';

/** Decides whether an operation may run (the rate limits); see request-admission.ts. */
export type Admission = (ctx: GraphqlContext, ip: string) => Promise<GraphQLError | undefined>;

function requestOf(extra: unknown): IncomingMessage | undefined {
  if (typeof extra !== 'object' || extra === null || !('request' in extra)) return undefined;
  return (extra as { request: IncomingMessage }).request;
}

/**
 * The edge limits of GraphQL over graphql-ws, applied in `onSubscribe` to
 * every `subscribe` message (queries, mutations and subscriptions alike):
 * query length, syntax and the specified validation rules, depth and cost,
 * then the rate limits. A refused operation gets an `error` message with the
 * same `extensions` (code, limit, actual, retryAfterSeconds) as over HTTP.
 * Created with the app (app.module) so graphql-ws can be configured with it;
 * the schema and the admission check are bound when the API starts.
 */
export class GraphqlWsGate {
  private schema: GraphQLSchema | undefined;
  private admission: Admission | undefined;

  constructor(
    private readonly limits: ApiLimitsConfig,
    private readonly trustProxyHops: number,
  ) {}

  /** Binds the executable schema and the rate-limit check (OperationLimitsPlugin does, when Apollo starts). */
  bind(schema: GraphQLSchema, admission: Admission): void {
    this.schema = schema;
    this.admission = admission;
  }

  /** graphql-ws server options for `GraphQLModule.forRoot({ subscriptions: { 'graphql-ws': … } })`. */
  serverOptions(): GraphQLWsSubscriptionsConfig {
    return {
      onSubscribe: async (ctx, _id, payload) => {
        const tooLong = queryLengthError(this.limits, payload.query);
        if (tooLong) return [withoutHttp(tooLong)];
        const schema = this.schema;
        if (!schema) return [new GraphQLError('server is starting; retry', { extensions: { code: 'SERVICE_UNAVAILABLE' } })];
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        const invalid = validate(schema, document);
        if (invalid.length > 0) return invalid;
        const variables = payload.variables ?? undefined;
        const overLimit = operationLimitErrors(this.limits, { schema, document, operationName: payload.operationName, variables });
        if (overLimit.length > 0) return overLimit.map(withoutHttp);
        const request = requestOf(ctx.extra);
        const ip = request ? clientIp(request, this.trustProxyHops) : 'unknown';
        const refusal = await this.admission?.({ connectionParams: ctx.connectionParams }, ip);
        if (refusal) return [withoutHttp(refusal)];
        return { schema, document, operationName: payload.operationName, variableValues: variables };
      },
    };
  }
}
