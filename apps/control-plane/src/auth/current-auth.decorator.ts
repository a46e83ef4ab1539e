import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GraphqlContext } from '../api/graphql-context';
import { authOf } from './auth.service';

/** Resolver parameter: the request's {@link AuthContext}. Throws UNAUTHENTICATED when missing. */
export const CurrentAuth = createParamDecorator((_data: unknown, ec: ExecutionContext) =>
  authOf(GqlExecutionContext.create(ec).getContext<GraphqlContext>()),
);
