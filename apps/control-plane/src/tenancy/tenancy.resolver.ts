import { Inject, UseFilters } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ExplicitParamTypes } from '../api/explicit-param-types.decorator';
import { GraphqlErrorFilter } from '../api/errors/graphql-error.filter';
import type { GraphqlContext } from '../api/graphql-context';
import type { AuthContext } from '../auth/auth-context';
import { AuthService, type UserActor } from '../auth/auth.service';
import { ForbiddenError } from '../auth/auth.errors';
import { CurrentAuth } from '../auth/current-auth.decorator';
import { originOfGraphqlContext } from '../audit/audit-mutation.interceptor';
import { Deployment } from '../catalog/models/deployment.model';
import type { Role as RoleName } from '../rbac/roles';
import { MembersService } from './members.service';
import {
  AgentToken, ApiToken, CreatedAgentToken, CreatedApiToken, Invitation, Member, Organization, PrincipalKind, Role, RoleGrant, Team, User,
} from './models/tenancy.models';
import { OrganizationsService } from './organizations.service';
import { ScopeInput } from './tenancy.inputs';
import { TokensService } from './tokens.service';

/**
 * Organizations, members, teams, invitations, role grants, API tokens and
 * agent tokens. Permissions: rbac/permissions.ts (checked by the guard); the
 * services add the finer rules (never hand out more than you hold).
 */
@Resolver()
@UseFilters(GraphqlErrorFilter)
@ExplicitParamTypes()
export class TenancyResolver {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(OrganizationsService) private readonly orgs: OrganizationsService,
    @Inject(MembersService) private readonly memberships: MembersService,
    @Inject(TokensService) private readonly tokens: TokensService,
  ) {}

  private async user(ctx: GraphqlContext): Promise<UserActor> {
    const principal = await this.auth.identify(ctx);
    if (principal.kind !== 'user') throw new ForbiddenError('this operation needs a signed-in user, not an API token');
    return principal.actor;
  }

  @Query(() => User, { description: 'The signed-in user.' })
  async me(@Context() ctx: GraphqlContext): Promise<User> {
    return this.orgs.me(await this.user(ctx));
  }

  @Query(() => [Organization], { description: 'Organizations you belong to.' })
  async myOrganizations(@Context() ctx: GraphqlContext): Promise<Organization[]> {
    const orgs = await this.orgs.myOrganizations(await this.user(ctx));
    return orgs.map((o) => ({ ...o, auditRetentionDays: null }));
  }

  @Query(() => Organization, { description: 'The organization this request acts in.' })
  organization(@CurrentAuth() auth: AuthContext): Promise<Organization> {
    return this.orgs.get(auth);
  }

  @Query(() => Role, {
    nullable: true,
    description: 'Your highest role here: at `deployment` (organization-wide grants included) or organization-wide when omitted; null when none covers it. For hiding what you may not do; every operation is checked anyway.',
  })
  myRole(@CurrentAuth() auth: AuthContext, @Args('deployment', { type: () => String, nullable: true }) deployment: string | null): Promise<RoleName | null> {
    return this.orgs.myRole(auth, deployment ?? null);
  }

  @Query(() => [Member])
  members(@CurrentAuth() auth: AuthContext): Promise<Member[]> {
    return this.memberships.list(auth);
  }

  @Query(() => [Team])
  teams(@CurrentAuth() auth: AuthContext): Promise<Team[]> {
    return this.memberships.teams(auth);
  }

  @Query(() => [Invitation])
  invitations(@CurrentAuth() auth: AuthContext): Promise<Invitation[]> {
    return this.memberships.invitations(auth);
  }

  @Query(() => [ApiToken])
  apiTokens(@CurrentAuth() auth: AuthContext): Promise<ApiToken[]> {
    return this.tokens.apiTokens(auth);
  }

  @Query(() => [AgentToken])
  agentTokens(@CurrentAuth() auth: AuthContext): Promise<AgentToken[]> {
    return this.tokens.agentTokens(auth);
  }

  @Mutation(() => Organization, { description: 'Creates an organization with deployment prod; you become its Owner.' })
  async createOrganization(
    @Context() ctx: GraphqlContext,
    @Args('slug', { type: () => String }) slug: string,
    @Args('name', { type: () => String }) name: string,
  ): Promise<Organization> {
    return this.orgs.create(await this.user(ctx), slug, name, originOfGraphqlContext(ctx));
  }

  @Mutation(() => Deployment)
  createDeployment(@CurrentAuth() auth: AuthContext, @Context() ctx: GraphqlContext, @Args('name', { type: () => String }) name: string): Promise<Deployment> {
    return this.orgs.createDeployment(auth, name, originOfGraphqlContext(ctx));
  }

  @Mutation(() => Organization)
  updateOrganizationSettings(
    @CurrentAuth() auth: AuthContext,
    @Context() ctx: GraphqlContext,
    @Args('auditRetentionDays', { type: () => Int }) auditRetentionDays: number,
  ): Promise<Organization> {
    return this.orgs.updateSettings(auth, auditRetentionDays, originOfGraphqlContext(ctx));
  }

  @Mutation(() => Invitation, { description: 'Invites an email with a role; accepted at the first sign-in with that verified email.' })
  inviteMember(
    @CurrentAuth() auth: AuthContext,
    @Context() ctx: GraphqlContext,
    @Args('email', { type: () => String }) email: string,
    @Args('role', { type: () => Role }) role: RoleName,
    @Args('scope', { type: () => ScopeInput, nullable: true }) scope: ScopeInput | null | undefined,
  ): Promise<Invitation> {
    return this.memberships.invite(auth, email, role, scope, originOfGraphqlContext(ctx));
  }

  @Mutation(() => Boolean)
  revokeInvitation(@CurrentAuth() auth: AuthContext, @Context() ctx: GraphqlContext, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.memberships.revokeInvitation(auth, id, originOfGraphqlContext(ctx));
  }

  @Mutation(() => RoleGrant, { description: 'Grants a role at a scope to a member or team (replacing its role at exactly that scope).' })
  grantRole(
    @CurrentAuth() auth: AuthContext,
    @Context() ctx: GraphqlContext,
    @Args('principalKind', { type: () => PrincipalKind }) principalKind: PrincipalKind,
    @Args('principalId', { type: () => ID }) principalId: string,
    @Args('role', { type: () => Role }) role: RoleName,
    @Args('scope', { type: () => ScopeInput, nullable: true }) scope: ScopeInput | null | undefined,
  ): Promise<RoleGrant> {
    return this.memberships.grant(auth, principalKind, principalId, role, scope, originOfGraphqlContext(ctx));
  }

  @Mutation(() => Boolean)
  revokeRole(@CurrentAuth() auth: AuthContext, @Context() ctx: GraphqlContext, @Args('grantId', { type: () => ID }) grantId: string): Promise<boolean> {
    return this.memberships.revoke(auth, grantId, originOfGraphqlContext(ctx));
  }

  @Mutation(() => Boolean)
  removeMember(@CurrentAuth() auth: AuthContext, @Context() ctx: GraphqlContext, @Args('userId', { type: () => ID }) userId: string): Promise<boolean> {
    return this.memberships.remove(auth, userId, originOfGraphqlContext(ctx));
  }

  @Mutation(() => Team)
  createTeam(@CurrentAuth() auth: AuthContext, @Context() ctx: GraphqlContext, @Args('name', { type: () => String }) name: string): Promise<Team> {
    return this.memberships.createTeam(auth, name, originOfGraphqlContext(ctx));
  }

  @Mutation(() => Boolean)
  addTeamMember(
    @CurrentAuth() auth: AuthContext,
    @Context() ctx: GraphqlContext,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<boolean> {
    return this.memberships.setTeamMember(auth, teamId, userId, true, originOfGraphqlContext(ctx));
  }

  @Mutation(() => Boolean)
  removeTeamMember(
    @CurrentAuth() auth: AuthContext,
    @Context() ctx: GraphqlContext,
    @Args('teamId', { type: () => ID }) teamId: string,
    @Args('userId', { type: () => ID }) userId: string,
  ): Promise<boolean> {
    return this.memberships.setTeamMember(auth, teamId, userId, false, originOfGraphqlContext(ctx));
  }

  @Mutation(() => CreatedApiToken, { description: 'Creates an API token (its secret is in the answer, once) with a role no higher than yours at its scope.' })
  createApiToken(
    @CurrentAuth() auth: AuthContext,
    @Context() ctx: GraphqlContext,
    @Args('name', { type: () => String }) name: string,
    @Args('role', { type: () => Role }) role: RoleName,
    @Args('scope', { type: () => ScopeInput, nullable: true }) scope: ScopeInput | null | undefined,
    @Args('expiresInDays', { type: () => Int, nullable: true }) expiresInDays: number | null | undefined,
  ): Promise<CreatedApiToken> {
    return this.tokens.createApiToken(auth, name, role, scope, expiresInDays, originOfGraphqlContext(ctx));
  }

  @Mutation(() => ApiToken)
  revokeApiToken(@CurrentAuth() auth: AuthContext, @Context() ctx: GraphqlContext, @Args('id', { type: () => ID }) id: string): Promise<ApiToken> {
    return this.tokens.revokeApiToken(auth, id, originOfGraphqlContext(ctx));
  }

  @Mutation(() => CreatedAgentToken, { description: 'Creates an agent token (its secret is in the answer, once).' })
  createAgentToken(
    @CurrentAuth() auth: AuthContext,
    @Context() ctx: GraphqlContext,
    @Args('name', { type: () => String }) name: string,
    @Args('deployments', { type: () => [String], defaultValue: [] }) deployments: string[],
    @Args('expiresInDays', { type: () => Int, nullable: true }) expiresInDays: number | null | undefined,
  ): Promise<CreatedAgentToken> {
    return this.tokens.createAgentToken(auth, name, deployments, expiresInDays, originOfGraphqlContext(ctx));
  }

  @Mutation(() => CreatedAgentToken, { description: 'Rotates an agent token: a new secret now; the old one works for graceSeconds (default 3600).' })
  rotateAgentToken(
    @CurrentAuth() auth: AuthContext,
    @Context() ctx: GraphqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('graceSeconds', { type: () => Int, nullable: true }) graceSeconds: number | null | undefined,
  ): Promise<CreatedAgentToken> {
    return this.tokens.rotateAgentToken(auth, id, graceSeconds, originOfGraphqlContext(ctx));
  }

  @Mutation(() => AgentToken)
  revokeAgentToken(@CurrentAuth() auth: AuthContext, @Context() ctx: GraphqlContext, @Args('id', { type: () => ID }) id: string): Promise<AgentToken> {
    return this.tokens.revokeAgentToken(auth, id, originOfGraphqlContext(ctx));
  }
}
