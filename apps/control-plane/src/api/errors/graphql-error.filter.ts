import { Catch, Inject } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import type { GraphQLError } from 'graphql';
import { GraphqlErrorMapper } from './graphql-error.mapper';

/**
 * Exception filter on every resolver class of the public API (`@UseFilters`):
 * hands whatever a resolver, guard or subscribe function threw to the one
 * mapper. Field resolvers are not wrapped by Nest filters; they use
 * `GraphqlErrorMapper.guard` (through the request loaders) instead.
 */
@Catch()
export class GraphqlErrorFilter implements GqlExceptionFilter {
  constructor(@Inject(GraphqlErrorMapper) private readonly mapper: GraphqlErrorMapper) {}

  catch(exception: unknown): GraphQLError {
    throw this.mapper.toGraphQLError(exception);
  }
}
