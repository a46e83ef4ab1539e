import { DomainError } from '../api/errors/domain-error';

/** Codes of organization, member, team and token management errors. */
export type TenancyErrorCode =
  | 'ORGANIZATION_SLUG_TAKEN'
  | 'DEPLOYMENT_EXISTS'
  | 'MEMBER_NOT_FOUND'
  | 'TEAM_NOT_FOUND'
  | 'TEAM_EXISTS'
  | 'GRANT_NOT_FOUND'
  | 'INVITATION_NOT_FOUND'
  | 'TOKEN_NOT_FOUND'
  | 'ROLE_TOO_HIGH'
  | 'LAST_OWNER';

/** A tenancy error: `code` as above, the message says what to do instead. */
export class TenancyError extends DomainError<TenancyErrorCode> {
  constructor(
    readonly code: TenancyErrorCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}
