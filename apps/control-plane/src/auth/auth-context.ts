import type { Role } from '../rbac/roles';

/**
 * Who performs an operation:
 * - `user`: a person signed in through the OIDC issuer (Keycloak, or the
 *   development issuer); `id` is `users.id`, `subject` the token's `sub`.
 * - `api_token`: a script's API token; `id` is `api_tokens.id`.
 * - `agent`: an agent presenting an agent token; `id` is `agent_tokens.id`.
 */
export type Actor =
  | { kind: 'user'; id: string; subject: string; email: string | null; name: string | null }
  | { kind: 'api_token'; id: string }
  | { kind: 'agent'; id: string };

/** Where a role applies: the whole organization, one deployment, or one code location (with its deployment). */
export type GrantScope =
  | { kind: 'organization' }
  | { kind: 'deployment'; deploymentId: string }
  | { kind: 'code_location'; deploymentId: string; codeLocationId: string };

/** One role held by the caller in the request's organization (directly, through a team, or as a token's role). */
export interface Grant {
  role: Role;
  scope: GrantScope;
}

/**
 * The authenticated caller of one request: the organization it names (the
 * tenant; absent only for user-level operations such as `createOrganization`
 * and `myOrganizations`), the actor, and the actor's grants in that
 * organization.
 */
export interface AuthContext {
  orgId: string;
  actor: Actor;
  grants: Grant[];
}

/** Request metadata recorded with audit events. */
export interface RequestOrigin {
  /** Client IP as seen by the server (after trusted proxies), or null over gRPC without one. */
  sourceIp: string | null;
  userAgent: string | null;
}

/** `api_token:<uuid>`, `user:<uuid>`, `agent:<uuid>`: how an actor is recorded in `runs.launched_by` and audit rows. */
export function actorRef(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}
