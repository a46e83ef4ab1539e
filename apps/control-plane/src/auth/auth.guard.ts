import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { GraphqlContext } from '../api/graphql-context';
import { GraphqlErrorMapper } from '../api/errors/graphql-error.mapper';
import { AccessTargets } from '../rbac/access-targets';
import { covers, type AccessTarget } from '../rbac/authorize';
import { permissionOf, type OperationPermission } from '../rbac/permissions';
import { ForbiddenError } from './auth.errors';
import { AuthService } from './auth.service';

/**
 * Global guard (APP_GUARD) of every GraphQL root field: query, mutation and
 * subscription. Looks the operation up in the permission table
 * (rbac/permissions.ts; an undeclared operation is refused), authenticates
 * the request, resolves the organization and what the operation acts on, and
 * checks that a grant of the required role covers it. Throws the mapped
 * GraphQL error itself (UNAUTHENTICATED, FORBIDDEN, ORGANIZATION_REQUIRED).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AccessTargets) private readonly targets: AccessTargets,
    @Inject(GraphqlErrorMapper) private readonly errors: GraphqlErrorMapper,
  ) {}

  async canActivate(ec: ExecutionContext): Promise<boolean> {
    if (ec.getType<GqlContextType>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(ec);
    const info = gql.getInfo<GraphQLResolveInfo>();
    const operation = `${info.parentType.name}.${info.fieldName}`;
    try {
      const permission = permissionOf(operation);
      if (!permission) throw new ForbiddenError(`operation ${operation} has no declared permission`);
      await this.check(permission, gql.getContext<GraphqlContext>(), gql.getArgs<Record<string, unknown>>(), operation);
    } catch (error) {
      throw this.errors.toGraphQLError(error);
    }
    return true;
  }

  private async check(permission: OperationPermission, ctx: GraphqlContext, args: Record<string, unknown>, operation: string): Promise<void> {
    if (permission.scope === 'public') return;
    if (permission.scope === 'agent') throw new ForbiddenError(`${operation} is an agent RPC`);
    if (permission.scope === 'user') {
      const principal = await this.auth.identify(ctx);
      if (principal.kind !== 'user') throw new ForbiddenError(`${operation} needs a signed-in user, not an API token`);
      return;
    }
    const auth = await this.auth.authenticate(ctx);
    const target = await this.targetOf(permission, auth.orgId, args);
    if (!covers(auth.grants, permission.role, target)) {
      throw new ForbiddenError(`${operation} requires the role ${permission.role} on ${describe(permission)}`, { requiredRole: permission.role });
    }
  }

  private async targetOf(permission: OperationPermission, orgId: string, args: Record<string, unknown>): Promise<AccessTarget> {
    switch (permission.scope) {
      case 'member':
        return { kind: 'any' };
      case 'deployment': {
        const input = args['input'];
        const name = args['deployment'] ?? (typeof input === 'object' && input !== null ? (input as Record<string, unknown>)['deployment'] : undefined) ?? 'prod';
        return (typeof name === 'string' && (await this.targets.deployment(orgId, name, permission.refinedToCodeLocation === true))) || { kind: 'organization' };
      }
      case 'run': {
        const id = args['runId'] ?? args['id'];
        return (typeof id === 'string' && (await this.targets.run(orgId, id))) || { kind: 'organization' };
      }
      default:
        return { kind: 'organization' };
    }
  }
}

function describe(permission: OperationPermission): string {
  switch (permission.scope) {
    case 'deployment':
      return permission.refinedToCodeLocation ? 'the deployment (or the code location)' : 'the deployment';
    case 'run':
      return "the run's code location, deployment or organization";
    case 'member':
      return 'any scope of the organization';
    default:
      return 'the organization';
  }
}
