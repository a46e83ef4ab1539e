import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logger';
import type { AuthErrorCode } from '../../auth/auth.errors';
import type { CatalogErrorCode } from '../../catalog/catalog.errors';
import type { RunsErrorCode } from '../../runs/runs.errors';
import type { TenancyErrorCode } from '../../tenancy/tenancy.errors';
import type { ApiErrorCode } from './api.errors';
import { DomainError } from './domain-error';

/** Every code a service of the public API may throw; the mapper below must handle each. */
export type PublicErrorCode = AuthErrorCode | CatalogErrorCode | RunsErrorCode | ApiErrorCode | TenancyErrorCode;

/** How an error code travels over GraphQL: the class of failure and the HTTP status it implies. */
export interface ErrorClass {
  /** NOT_FOUND, BAD_USER_INPUT, CONFLICT, UNAUTHENTICATED, FORBIDDEN: lets generic clients react without knowing every code. */
  kind: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT';
  /** HTTP status for a response that fails with this error; the status plugin applies it for 401 only. */
  httpStatus: number;
}

/** The exhaustive table of public error codes. Adding a code without a case fails to compile. */
export function classifyError(code: PublicErrorCode): ErrorClass {
  switch (code) {
    case 'UNAUTHENTICATED':
      return { kind: 'UNAUTHENTICATED', httpStatus: 401 };
    case 'FORBIDDEN':
    case 'ROLE_TOO_HIGH':
      return { kind: 'FORBIDDEN', httpStatus: 403 };
    case 'MEMBER_NOT_FOUND':
    case 'TEAM_NOT_FOUND':
    case 'GRANT_NOT_FOUND':
    case 'INVITATION_NOT_FOUND':
    case 'TOKEN_NOT_FOUND':
    case 'DEPLOYMENT_NOT_FOUND':
    case 'ASSET_NOT_FOUND':
    case 'RUN_NOT_FOUND':
      return { kind: 'NOT_FOUND', httpStatus: 404 };
    case 'RUN_SPANS_CODE_LOCATIONS':
    case 'PARTITION_INVALID':
    case 'INVALID_CURSOR':
    case 'INVALID_ARGUMENT':
    case 'ORGANIZATION_REQUIRED':
      return { kind: 'BAD_USER_INPUT', httpStatus: 400 };
    case 'ORGANIZATION_SLUG_TAKEN':
    case 'DEPLOYMENT_EXISTS':
    case 'TEAM_EXISTS':
    case 'LAST_OWNER':
    case 'RUN_ALREADY_FINISHED':
    case 'CODE_LOCATION_NOT_READY':
    case 'ASSET_GRAPH_CYCLE':
      return { kind: 'CONFLICT', httpStatus: 409 };
    default: {
      const unhandled: never = code;
      throw new Error(`unclassified error code ${String(unhandled)}`);
    }
  }
}

const PUBLIC_CODES: ReadonlySet<string> = new Set<PublicErrorCode>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'ORGANIZATION_REQUIRED',
  'ORGANIZATION_SLUG_TAKEN',
  'DEPLOYMENT_EXISTS',
  'MEMBER_NOT_FOUND',
  'TEAM_NOT_FOUND',
  'TEAM_EXISTS',
  'GRANT_NOT_FOUND',
  'INVITATION_NOT_FOUND',
  'TOKEN_NOT_FOUND',
  'ROLE_TOO_HIGH',
  'LAST_OWNER',
  'DEPLOYMENT_NOT_FOUND',
  'ASSET_NOT_FOUND',
  'RUN_NOT_FOUND',
  'RUN_SPANS_CODE_LOCATIONS',
  'PARTITION_INVALID',
  'INVALID_CURSOR',
  'INVALID_ARGUMENT',
  'RUN_ALREADY_FINISHED',
  'CODE_LOCATION_NOT_READY',
  'ASSET_GRAPH_CYCLE',
]);

function isPublicDomainError(error: unknown): error is DomainError<PublicErrorCode> {
  return error instanceof DomainError && PUBLIC_CODES.has(error.code);
}

/**
 * The one place where errors become GraphQL errors. Domain errors keep their
 * message, `extensions.code` and details (plus `extensions.kind`); GraphQL
 * errors pass through (they are already shaped for the client); anything else
 * (database, bugs) becomes `internal error, logId=<uuid>` with the real error
 * logged once under that id.
 */
@Injectable()
export class GraphqlErrorMapper {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger) {
    this.log = logger.child({ module: 'graphql-errors' });
  }

  /** Maps any thrown value to the GraphQLError the client sees. */
  toGraphQLError(error: unknown): GraphQLError {
    if (isPublicDomainError(error)) {
      const { kind } = classifyError(error.code);
      return new GraphQLError(error.message, { extensions: { ...error.details, code: error.code, kind } });
    }
    if (error instanceof GraphQLError) {
      if (error.originalError && !(error.originalError instanceof GraphQLError)) return this.toGraphQLError(error.originalError);
      return error;
    }
    const logId = randomUUID();
    this.log.error({ err: error, logId }, 'internal error in the GraphQL API');
    return new GraphQLError(`internal error, logId=${logId}`, { extensions: { code: 'INTERNAL_SERVER_ERROR', logId } });
  }

  /** Runs `fn` and maps whatever it throws (for field resolvers and loaders, which Nest filters do not wrap). */
  async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.toGraphQLError(error);
    }
  }
}
