import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import type { GraphqlContext } from '../graphql-context';

/**
 * Answers HTTP 401 (with `WWW-Authenticate: Bearer`) when an operation failed
 * with `extensions.code = UNAUTHENTICATED`. Apollo answers 200 for errors
 * raised while executing, and Nest's driver resets statuses to 200 once data
 * ran; this listener runs after both.
 */
@Plugin()
export class UnauthenticatedStatusPlugin implements ApolloServerPlugin<GraphqlContext> {
  async requestDidStart(): Promise<GraphQLRequestListener<GraphqlContext>> {
    return {
      async willSendResponse({ response }) {
        // Let the other listeners' synchronous status changes happen first.
        await Promise.resolve();
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
        if (errors?.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED')) {
          response.http.status = 401;
          response.http.headers.set('www-authenticate', 'Bearer');
        } else if (errors?.length && errors.every((e) => e.extensions?.['kind'] === 'FORBIDDEN')) {
          response.http.status = 403;
        }
      },
    };
  }
}
