import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ROLES, type Role as RoleName } from '../../rbac/roles';

/** GraphQL enum of {@link ROLES}. */
export const Role = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in RoleName]: K };
registerEnumType(Role, { name: 'Role', description: 'Viewer < Launcher < Editor < Admin < Owner: each role can do what the roles before it can.' });

/** Who holds a grant. */
export enum PrincipalKind {
  USER = 'USER',
  TEAM = 'TEAM',
}
registerEnumType(PrincipalKind, { name: 'PrincipalKind' });

@ObjectType({ description: 'A tenant: deployments, members, tokens and an audit log of its own.' })
export class Organization {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Name in URLs and the X-Gantry-Organization header.' }) slug!: string;
  @Field(() => String) name!: string;
  @Field(() => Int, { nullable: true, description: 'Days audit events are kept (Owner only; null for other callers).' }) auditRetentionDays!: number | null;
}

@ObjectType({ description: 'A person (or service account) known from sign-in.' })
export class User {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
}

@ObjectType({ description: 'A role at a scope: the organization (no deployment), a deployment, or one code location.' })
export class RoleGrant {
  @Field(() => ID) id!: string;
  @Field(() => PrincipalKind) principalKind!: PrincipalKind;
  @Field(() => ID) principalId!: string;
  @Field(() => Role) role!: RoleName;
  @Field(() => String, { nullable: true, description: 'Deployment name; null means the whole organization.' }) deployment!: string | null;
  @Field(() => String, { nullable: true, description: 'Code location name; null means the whole deployment.' }) codeLocation!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType({ description: 'A member of the organization with the grants they hold directly (team grants are on the team).' })
export class Member {
  @Field(() => User) user!: User;
  @Field(() => [RoleGrant]) grants!: RoleGrant[];
  @Field(() => [String], { description: 'Names of the teams the member belongs to.' }) teams!: string[];
  @Field(() => GraphQLISODateTime) joinedAt!: Date;
}

@ObjectType()
export class Team {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => [User]) members!: User[];
  @Field(() => [RoleGrant]) grants!: RoleGrant[];
}

@ObjectType({ description: 'An invitation by email; accepted at the first sign-in with that verified email.' })
export class Invitation {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => Role) role!: RoleName;
  @Field(() => String, { nullable: true }) deployment!: string | null;
  @Field(() => String, { nullable: true }) codeLocation!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) acceptedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) revokedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Who invited: user:<id> or api_token:<id>.' }) invitedBy!: string | null;
}

@ObjectType({ description: 'An API token for scripts. Its secret is shown once, at creation.' })
export class ApiToken {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'First characters of the secret, to tell tokens apart.' }) prefix!: string;
  @Field(() => Role) role!: RoleName;
  @Field(() => String, { nullable: true }) deployment!: string | null;
  @Field(() => String, { nullable: true }) codeLocation!: string | null;
  @Field(() => String, { nullable: true, description: 'Who created it: user:<id> or api_token:<id>.' }) createdBy!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) expiresAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) revokedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastUsedAt!: Date | null;
}

@ObjectType()
export class CreatedApiToken {
  @Field(() => String, { description: 'The secret: shown this once, never stored (only its SHA-256).' }) token!: string;
  @Field(() => ApiToken) apiToken!: ApiToken;
}

@ObjectType({ description: 'An agent token. Its secret is shown once, at creation and at each rotation.' })
export class AgentToken {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) prefix!: string;
  @Field(() => [String], { description: 'Deployments it may serve; empty means all of the organization.' }) deployments!: string[];
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) expiresAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) revokedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) rotatedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Until when the secret replaced by the last rotation still works.' }) previousExpiresAt!: Date | null;
}

@ObjectType()
export class CreatedAgentToken {
  @Field(() => String, { description: 'The secret: shown this once, never stored (only its SHA-256).' }) token!: string;
  @Field(() => AgentToken) agentToken!: AgentToken;
}
