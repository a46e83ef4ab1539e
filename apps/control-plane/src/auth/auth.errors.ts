import { DomainError } from '../api/errors/domain-error';

/** Codes of authentication and authorization errors. */
export type AuthErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'ORGANIZATION_REQUIRED';

/**
 * The request carries no credentials, or credentials that are unknown,
 * expired, revoked, tampered with, for another audience or from another
 * issuer. The message never says which, so a probe learns nothing; the reason
 * goes to the server log.
 */
export class UnauthenticatedError extends DomainError<AuthErrorCode> {
  readonly code = 'UNAUTHENTICATED';
  constructor() {
    super('unauthenticated: send Authorization: Bearer <API token or access token>');
  }
}

/**
 * The caller is authenticated but may not do this: not a member of the named
 * organization, or no grant of the required role covering the target.
 */
export class ForbiddenError extends DomainError<AuthErrorCode> {
  readonly code = 'FORBIDDEN';
  constructor(message: string, details?: Record<string, unknown>) {
    super(`forbidden: ${message}`, details);
  }
}

/** A signed-in user called an organization's operation without naming the organization. */
export class OrganizationRequiredError extends DomainError<AuthErrorCode> {
  readonly code = 'ORGANIZATION_REQUIRED';
  constructor() {
    super('name the organization: header X-Gantry-Organization: <slug>, or the path /orgs/<slug>/graphql');
  }
}
