import { Inject, Injectable } from '@nestjs/common';
import { credentialsOf, perRequest, type GraphqlContext } from '../api/graphql-context';
import type { AuthContext } from './auth-context';
import { AUTHENTICATOR, type Authenticator } from './authenticator';
import { UnauthenticatedError } from './auth.errors';

const resolved = new WeakMap<object, AuthContext>();
const PENDING = Symbol('pending-auth');

/**
 * Authenticates a GraphQL request once (every root field's guard shares the
 * result) and holds its auth context for the rest of the request.
 */
@Injectable()
export class AuthService {
  constructor(@Inject(AUTHENTICATOR) private readonly authenticator: Authenticator) {}

  /** Authenticates the request of `ctx`. Errors: UnauthenticatedError. */
  authenticate(ctx: GraphqlContext): Promise<AuthContext> {
    return perRequest(ctx, PENDING, async () => {
      const { credentials, transport } = credentialsOf(ctx);
      const auth = await this.authenticator.authenticate(credentials, transport);
      resolved.set(ctx, auth);
      return auth;
    });
  }
}

/**
 * The auth context the guard established for this request.
 * Errors: UnauthenticatedError when the request was not authenticated (a
 * resolver reached without the guard): the tenant can never be missing.
 */
export function authOf(ctx: GraphqlContext): AuthContext {
  const auth = resolved.get(ctx);
  if (!auth) throw new UnauthenticatedError();
  return auth;
}
