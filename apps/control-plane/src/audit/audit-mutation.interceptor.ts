import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { Logger } from 'pino';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { AuditEventInput } from '@gantry/db';
import { DomainError } from '../api/errors/domain-error';
import type { GraphqlContext } from '../api/graphql-context';
import type { AuthContext, RequestOrigin } from '../auth/auth-context';
import { authOf } from '../auth/auth.service';
import { LOGGER } from '../logging/logger';
import { auditWho, originOfHttpRequest } from './audit-actor';
import { AuditLog } from './audit-log.service';
import { runInAuditScope } from './audit-scope';
import { redactSecrets } from './redact';

/** The origin of a GraphQL request: the Express request over HTTP, the upgrade request over graphql-ws. */
export function originOfGraphqlContext(ctx: GraphqlContext): RequestOrigin {
  const extra = ctx.extra as { request?: unknown } | undefined;
  return originOfHttpRequest(extra?.request ?? ctx.req);
}

/** The stable code of a failure, for the audit event's metadata: the domain or GraphQL code, else INTERNAL. */
export function failureCode(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  if (error instanceof GraphQLError && typeof error.extensions['code'] === 'string') return error.extensions['code'];
  return 'INTERNAL';
}

/**
 * Global interceptor (APP_INTERCEPTOR) that leaves no GraphQL mutation
 * unaudited. Around every root field of `Mutation` with an authenticated
 * caller it opens an audit scope (AsyncLocalStorage); then:
 * - success, and the mutation's code recorded no event itself
 *   (`AuditLog.record` within the scope): records `graphql.<field>` with
 *   outcome `success` and `metadata.arguments` (redacted of secrets);
 * - success with its own events: records nothing more (those events carry the
 *   precise before/after);
 * - failure: always records `graphql.<field>` with outcome `failure` and
 *   `metadata.errorCode` (the mutation's own events rolled back with its
 *   transaction, or were written before it failed; either way the attempt is on
 *   record).
 * The result of a mutation is never recorded (it may hold a secret shown
 * once). A failure to write the generic event is logged as an error and does not
 * change the mutation's answer (its change has committed already).
 * Mutations reached without authentication (public ones) have no organization
 * and are not recorded here.
 */
@Injectable()
export class AuditMutationInterceptor implements NestInterceptor {
  private readonly log: Logger;

  constructor(
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'audit' });
  }

  intercept(ec: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ec.getType<GqlContextType>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(ec);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.parentType.name !== info.schema.getMutationType()?.name) return next.handle();
    const ctx = gql.getContext<GraphqlContext>();
    let auth: AuthContext;
    try {
      auth = authOf(ctx);
    } catch {
      return next.handle();
    }
    const mutation = info.fieldName;
    const base = {
      ...auditWho(auth, originOfGraphqlContext(ctx)),
      action: `graphql.${mutation}`,
      target: { type: 'graphql_mutation', id: mutation },
    };
    const args = redactSecrets(gql.getArgs()) as Record<string, unknown>;
    const { scope, result } = runInAuditScope(mutation, () => next.handle());
    return from(
      (async () => {
        let value: unknown;
        try {
          value = await lastValueFrom(result, { defaultValue: undefined });
        } catch (error) {
          await this.recordGeneric({ ...base, outcome: 'failure', metadata: { arguments: args, errorCode: failureCode(error) } });
          throw error;
        }
        if (scope.recorded === 0) await this.recordGeneric({ ...base, outcome: 'success', metadata: { arguments: args } });
        return value;
      })(),
    );
  }

  private async recordGeneric(event: AuditEventInput): Promise<void> {
    try {
      await this.audit.record(event);
    } catch (err) {
      this.log.error({ err, orgId: event.orgId, action: event.action }, 'could not record the audit event of a mutation');
    }
  }
}
