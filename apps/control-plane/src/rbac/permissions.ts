import type { Role } from './roles';

/**
 * What an operation acts on, which decides which grants cover it:
 * - `public`: nobody needs to sign in (`serverInfo`).
 * - `user`: a signed-in person acting for themself, no organization
 *   (`me`, `myOrganizations`, `createOrganization`).
 * - `organization`: the whole organization; only organization-scope grants count.
 * - `member`: any grant in the organization counts (reads that are not
 *   secret to any member, such as the list of deployments).
 * - `deployment`: the deployment named by the `deployment` argument (or
 *   `input.deployment`); organization grants and that deployment's grants
 *   count. With `refinedToCodeLocation`, a grant on one code location of that
 *   deployment also passes the gate and the service checks the exact location
 *   once it knows it (a launch's assets decide its code location).
 * - `run`: the run named by `id` or `runId`; grants on its organization, its
 *   deployment and its code location count.
 * - `agent`: an agent RPC; only agent tokens, within the deployments the token
 *   serves. Users and API tokens are refused whatever their role.
 */
export type OperationScope = 'public' | 'user' | 'organization' | 'member' | 'deployment' | 'run' | 'agent';

/** The permission of one operation. */
export interface OperationPermission {
  /** Least role needed (ignored for `public`, `user` and `agent`). */
  role: Role;
  scope: OperationScope;
  /** For `deployment` scope: code-location grants inside the deployment pass the gate; the service checks the location. */
  refinedToCodeLocation?: boolean;
  /** One line for the documentation table. */
  summary: string;
}

/** Operation names: `Query.<field>`, `Mutation.<field>`, `Subscription.<field>`, `AgentService.<rpc>`. */
export type OperationName = `${'Query' | 'Mutation' | 'Subscription' | 'AgentService'}.${string}`;

const p = (role: Role, scope: OperationScope, summary: string, refinedToCodeLocation = false): OperationPermission => ({
  role,
  scope,
  summary,
  ...(refinedToCodeLocation && { refinedToCodeLocation }),
});

/**
 * The permission of every GraphQL root field and every agent RPC, in one
 * place. The auth guard refuses any operation missing here (fail closed), a
 * test checks that every root field of the schema has an entry, and
 * docs/rbac.md is generated from this table (`UPDATE_DOCS=1 npm test -- rbac`).
 */
export const PERMISSIONS: Readonly<Record<OperationName, OperationPermission>> = {
  'Query.serverInfo': p('VIEWER', 'public', 'server version and limits'),
  'Query.me': p('VIEWER', 'user', 'the signed-in user'),
  'Query.myOrganizations': p('VIEWER', 'user', 'organizations the signed-in user belongs to'),
  'Query.organization': p('VIEWER', 'member', 'the request\'s organization and its settings'),
  'Query.myRole': p('VIEWER', 'member', 'the caller\'s own highest role (for the console to hide what it may not do)'),
  'Query.deployments': p('VIEWER', 'member', 'deployments of the organization'),
  'Query.assets': p('VIEWER', 'deployment', 'assets of a deployment'),
  'Query.asset': p('VIEWER', 'deployment', 'one asset'),
  'Query.assetGraphLayout': p('VIEWER', 'deployment', 'positions of the asset lineage graph (laid out on the server)'),
  'Query.assetMaterializations': p('VIEWER', 'deployment', 'materializations of an asset'),
  'Query.codeLocations': p('VIEWER', 'deployment', 'code locations of a deployment'),
  'Query.runs': p('VIEWER', 'deployment', 'runs of a deployment'),
  'Query.run': p('VIEWER', 'run', 'one run'),
  'Query.agents': p('VIEWER', 'organization', 'agents of the organization'),
  'Query.members': p('VIEWER', 'member', 'members and their grants'),
  'Query.teams': p('VIEWER', 'member', 'teams and their members'),
  'Query.invitations': p('ADMIN', 'organization', 'open invitations'),
  'Query.apiTokens': p('ADMIN', 'organization', 'API tokens (never their secrets)'),
  'Query.agentTokens': p('ADMIN', 'organization', 'agent tokens (never their secrets)'),
  'Query.auditEvents': p('ADMIN', 'organization', 'the audit log, filtered and paginated (also exported as NDJSON/CSV)'),
  'Query.auditLogVerify': p('ADMIN', 'organization', "verify the organization's audit hash chain"),
  'Query.costBreakdown': p('VIEWER', 'deployment', 'cost per asset, group, location or deployment and period (without `deployment`: every deployment, which needs an organization grant)'),
  'Query.topCostAssets': p('VIEWER', 'deployment', 'the costliest assets over a window (without `deployment`: every deployment, which needs an organization grant)'),
  'Query.assetCostTrend': p('VIEWER', 'deployment', "one asset's cost per period"),
  'Query.assetCostPerMaterialization': p('VIEWER', 'deployment', "cost of an asset's newest materializations"),
  'Query.assetCostPerPartition': p('VIEWER', 'deployment', "cost of an asset per partition"),
  'Query.costBudgets': p('VIEWER', 'deployment', 'cost budgets (without `deployment`: every deployment, which needs an organization grant)'),
  'Query.costAlerts': p('VIEWER', 'organization', 'budget alerts of every deployment'),
  'Mutation.createOrganization': p('VIEWER', 'user', 'create an organization; its creator becomes Owner'),
  'Mutation.createDeployment': p('ADMIN', 'organization', 'add a deployment'),
  'Mutation.launchRun': p('LAUNCHER', 'deployment', 'queue a run of assets', true),
  'Mutation.cancelRun': p('LAUNCHER', 'run', 'cancel a run'),
  'Mutation.inviteMember': p('ADMIN', 'organization', 'invite by email with a role (Owner only by an Owner)'),
  'Mutation.revokeInvitation': p('ADMIN', 'organization', 'revoke an open invitation'),
  'Mutation.grantRole': p('ADMIN', 'organization', 'grant a role to a user, team or API token (Owner only by an Owner)'),
  'Mutation.revokeRole': p('ADMIN', 'organization', 'revoke a grant (an Owner grant only by an Owner; never the last Owner)'),
  'Mutation.removeMember': p('ADMIN', 'organization', 'remove a member and their grants (never the last Owner)'),
  'Mutation.createTeam': p('ADMIN', 'organization', 'create a team'),
  'Mutation.addTeamMember': p('ADMIN', 'organization', 'add a member to a team'),
  'Mutation.removeTeamMember': p('ADMIN', 'organization', 'remove a member from a team'),
  'Mutation.createApiToken': p('VIEWER', 'member', 'create an API token with a role no higher than the creator\'s at its scope'),
  'Mutation.revokeApiToken': p('VIEWER', 'member', "revoke an API token (one's own; any with Admin)"),
  'Mutation.createAgentToken': p('ADMIN', 'organization', 'create an agent token'),
  'Mutation.rotateAgentToken': p('ADMIN', 'organization', 'rotate an agent token; the old secret works during a grace period'),
  'Mutation.revokeAgentToken': p('ADMIN', 'organization', 'revoke an agent token'),
  'Mutation.updateOrganizationSettings': p('OWNER', 'organization', 'organization settings (audit retention)'),
  'Mutation.createCostBudget': p('EDITOR', 'deployment', 'create a USD budget with a webhook in a deployment'),
  'Mutation.deleteCostBudget': p('EDITOR', 'organization', 'delete a budget and its alerts'),
  'Subscription.runEvents': p('VIEWER', 'run', 'live events of a run'),
  'Subscription.runStatus': p('VIEWER', 'run', 'live status of a run'),
  'AgentService.ReportCodeLocations': p('VIEWER', 'agent', 'an agent reports its code locations'),
  'AgentService.Session': p('VIEWER', 'agent', 'an agent pulls runs and streams events'),
};

/** The permission of `name`, or undefined when the operation is not declared (callers refuse it). */
export function permissionOf(name: string): OperationPermission | undefined {
  return (PERMISSIONS as Record<string, OperationPermission>)[name];
}
