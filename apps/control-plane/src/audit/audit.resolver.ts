import { Inject, UseFilters } from '@nestjs/common';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { GraphqlErrorFilter } from '../api/errors/graphql-error.filter';
import { ExplicitParamTypes } from '../api/explicit-param-types.decorator';
import type { ConnectionShape } from '../api/pagination/connection';
import type { AuthContext } from '../auth/auth-context';
import { CurrentAuth } from '../auth/current-auth.decorator';
import { AuditService } from './audit.service';
import { AuditEventFilterInput } from './dto/audit-event-filter.input';
import { AuditEvent, AuditEventConnection } from './models/audit-event.model';
import { AuditLogVerification } from './models/audit-log-verification.model';

/** `auditEvents` and `auditLogVerify`: the caller's organization's audit log. */
@Resolver(() => AuditEvent)
@UseFilters(GraphqlErrorFilter)
@ExplicitParamTypes()
export class AuditResolver {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Query(() => AuditEventConnection, { description: 'Audit events of your organization, newest first (at most 100 per page).' })
  auditEvents(
    @CurrentAuth() auth: AuthContext,
    @Args('filter', { type: () => AuditEventFilterInput, nullable: true }) filter: AuditEventFilterInput | null | undefined,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
  ): Promise<ConnectionShape<AuditEvent>> {
    return this.audit.list(auth, { filter, first, after });
  }

  @Query(() => AuditLogVerification, { description: "Checks your organization's audit hash chain and names the first broken link." })
  auditLogVerify(@CurrentAuth() auth: AuthContext): Promise<AuditLogVerification> {
    return this.audit.verify(auth);
  }
}
