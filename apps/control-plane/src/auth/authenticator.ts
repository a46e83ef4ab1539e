import type { AuthContext } from './auth-context';
import type { Transport } from '../api/graphql-context';

/**
 * Turns the credentials of a request into an auth context. One implementation
 * per credential kind (API tokens now; Keycloak OIDC later behind the same
 * interface).
 */
export interface Authenticator {
  /**
   * `credentials` is the raw `Authorization` value (`Bearer …`) or undefined.
   * Errors: UnauthenticatedError when missing, unknown, expired or revoked.
   */
  authenticate(credentials: string | undefined, transport: Transport): Promise<AuthContext>;
}

/** DI token of the active {@link Authenticator}. */
export const AUTHENTICATOR = Symbol('Authenticator');
