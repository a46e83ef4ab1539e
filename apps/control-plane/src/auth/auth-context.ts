/**
 * Who performs an operation. API tokens today; Keycloak users (`kind: 'user'`,
 * `id` = OIDC `sub`) join this union with the SSO issue.
 */
export type Actor = { kind: 'api_token'; id: string };

/** The authenticated caller of one request: its organization (the tenant) and the actor. */
export interface AuthContext {
  orgId: string;
  actor: Actor;
}

/** `api_token:<uuid>`: how an actor is recorded in `runs.launched_by` and audit rows. */
export function actorRef(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}
