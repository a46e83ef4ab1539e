import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { TOKEN_PREFIX } from '@gantry/domain';
import { credentialsOf, organizationSlugOf, perRequest, type GraphqlContext } from '../api/graphql-context';
import { LOGGER } from '../logging/logger';
import { MembershipsRepository } from '../tenancy/memberships.repository';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from './access-token-verifier';
import { ApiTokenAuthenticator } from './api-token.authenticator';
import type { Actor, AuthContext } from './auth-context';
import { ForbiddenError, OrganizationRequiredError, UnauthenticatedError } from './auth.errors';

/** A signed-in person (or service account) before an organization is chosen. */
export type UserActor = Extract<Actor, { kind: 'user' }>;

/** Who made a request: an API token (which belongs to one organization) or a user. */
export type Principal = { kind: 'api_token'; auth: AuthContext } | { kind: 'user'; actor: UserActor };

/** How long a verified user's row is trusted before sign-in runs again (invitations are accepted then), ms. */
const USER_CACHE_MS = 60_000;
const MAX_CACHED_USERS = 10_000;

const resolved = new WeakMap<object, AuthContext>();
const PRINCIPAL = Symbol('principal');
const ORG_AUTH = Symbol('org-auth');

/**
 * Authenticates a GraphQL request once per request and resolves the
 * organization it acts in:
 * - `Bearer gantry_api_…`: an API token; its organization is the token's
 *   (a different organization named by the request is refused).
 * - any other bearer: an OIDC access token, verified by the configured
 *   verifier; the user is created or refreshed on first sign-in (invitations
 *   for a verified email are accepted then). The request names its
 *   organization (`X-Gantry-Organization` header, `/orgs/<slug>/graphql`, or
 *   `organization` in graphql-ws connection params) and must be a member.
 */
@Injectable()
export class AuthService {
  private readonly users = new Map<string, { actor: UserActor; at: number }>();
  private readonly log: Logger;

  constructor(
    @Inject(ApiTokenAuthenticator) private readonly apiTokens: ApiTokenAuthenticator,
    @Inject(ACCESS_TOKEN_VERIFIER) private readonly verifier: AccessTokenVerifier | null,
    @Inject(MembershipsRepository) private readonly members: MembershipsRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'auth' });
  }

  /** The caller of the request. Errors: UnauthenticatedError. */
  identify(ctx: GraphqlContext): Promise<Principal> {
    return perRequest(ctx, PRINCIPAL, async (): Promise<Principal> => {
      const { credentials } = credentialsOf(ctx);
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(credentials ?? '')?.[1];
      if (!bearer) throw new UnauthenticatedError();
      if (bearer.startsWith(TOKEN_PREFIX.api)) return { kind: 'api_token', auth: await this.apiTokens.authenticate(credentials) };
      return { kind: 'user', actor: await this.userOf(bearer) };
    });
  }

  /**
   * The auth context of an organization operation: the principal, the
   * organization and the grants there. Errors: UnauthenticatedError;
   * OrganizationRequiredError when a user names none; ForbiddenError when the
   * caller is not a member (or token) of the named organization — the same
   * answer whether or not it exists.
   */
  authenticate(ctx: GraphqlContext): Promise<AuthContext> {
    return perRequest(ctx, ORG_AUTH, async (): Promise<AuthContext> => {
      const principal = await this.identify(ctx);
      const slug = organizationSlugOf(ctx);
      let auth: AuthContext;
      if (principal.kind === 'api_token') {
        auth = principal.auth;
        if (slug !== undefined) {
          const org = await this.members.organizationBySlug(slug);
          if (org?.id !== auth.orgId) throw notAMember(slug);
        }
      } else {
        if (slug === undefined) throw new OrganizationRequiredError();
        const org = await this.members.organizationBySlug(slug);
        const grants = org ? await this.members.userGrants(org.id, principal.actor.id) : null;
        if (!org || !grants) throw notAMember(slug);
        auth = { orgId: org.id, actor: principal.actor, grants };
      }
      resolved.set(ctx, auth);
      return auth;
    });
  }

  private async userOf(token: string): Promise<UserActor> {
    if (!this.verifier) throw new UnauthenticatedError();
    let identity;
    try {
      identity = await this.verifier.verify(token);
    } catch (error) {
      this.log.info({ reason: (error as Error).message }, 'access token refused');
      throw new UnauthenticatedError();
    }
    const key = `${identity.issuer}\n${identity.subject}`;
    const cached = this.users.get(key);
    if (cached && Date.now() - cached.at < USER_CACHE_MS) return cached.actor;
    const signIn = await this.members.signIn({
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.email,
      emailVerified: identity.emailVerified,
      name: identity.name ?? identity.preferredUsername,
    });
    if (signIn.created || signIn.acceptedInvitationIds.length > 0) {
      this.log.info({ userId: signIn.userId, created: signIn.created, acceptedInvitations: signIn.acceptedInvitationIds.length }, 'user signed in');
    }
    const actor: UserActor = { kind: 'user', id: signIn.userId, subject: identity.subject, email: identity.email, name: identity.name };
    if (this.users.size >= MAX_CACHED_USERS) this.users.clear();
    this.users.set(key, { actor, at: Date.now() });
    return actor;
  }
}

function notAMember(slug: string): ForbiddenError {
  return new ForbiddenError(`you are not a member of organization ${JSON.stringify(slug.slice(0, 64))} (or it does not exist)`);
}

/**
 * The auth context the guard established for this request.
 * Errors: UnauthenticatedError when the request was not authenticated (a
 * resolver reached without the guard): the tenant can never be missing.
 */
export function authOf(ctx: GraphqlContext): AuthContext {
  const auth = resolved.get(ctx);
  if (!auth) throw new UnauthenticatedError();
  return auth;
}
