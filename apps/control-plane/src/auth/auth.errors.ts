import { DomainError } from '../api/errors/domain-error';

/** Codes of authentication errors. */
export type AuthErrorCode = 'UNAUTHENTICATED';

/**
 * The request carries no credentials, or credentials that are unknown, expired
 * or revoked. The message never says which, so a probe learns nothing.
 */
export class UnauthenticatedError extends DomainError<AuthErrorCode> {
  readonly code = 'UNAUTHENTICATED';
  constructor() {
    super('unauthenticated: send Authorization: Bearer <API token>');
  }
}
