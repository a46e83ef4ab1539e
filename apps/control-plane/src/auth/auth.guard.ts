import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { GraphqlContext } from '../api/graphql-context';
import { GraphqlErrorMapper } from '../api/errors/graphql-error.mapper';
import { MetaResolver } from '../meta/meta.resolver';
import { AuthService } from './auth.service';
import { IS_PUBLIC } from './public.decorator';

/**
 * Global guard (APP_GUARD) of every GraphQL root field: query, mutation and
 * subscription. Public are resolvers marked `@Public()` and `MetaResolver`
 * (`serverInfo`). HTTP controllers (health) and gRPC are not its business.
 * Throws the mapped UNAUTHENTICATED GraphQL error itself, so resolvers of any
 * module get the same answer.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(GraphqlErrorMapper) private readonly errors: GraphqlErrorMapper,
  ) {}

  async canActivate(ec: ExecutionContext): Promise<boolean> {
    if (ec.getType<GqlContextType>() !== 'graphql') return true;
    if (ec.getClass() === MetaResolver || this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ec.getHandler(), ec.getClass()])) return true;
    try {
      await this.auth.authenticate(GqlExecutionContext.create(ec).getContext<GraphqlContext>());
    } catch (error) {
      throw this.errors.toGraphQLError(error);
    }
    return true;
  }
}
