import { Inject, Injectable } from '@nestjs/common';
import type { Grant, GrantScope } from '../auth/auth-context';
import { PgPool } from '../database/pg-pool';
import { TenantDb } from '../database/tenant-db';
import type { Role } from '../rbac/roles';

/** An organization as a request names it. */
export interface OrganizationRef {
  id: string;
  slug: string;
  name: string;
}

/** Result of {@link MembershipsRepository.signIn}. */
export interface SignInResult {
  userId: string;
  created: boolean;
  /** Invitations accepted by this sign-in, with their organizations (same order). */
  acceptedInvitationIds: string[];
  acceptedOrgIds: string[];
}

/** The claims of a verified access token that identify a person. */
export interface SignInClaims {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** `scope` of a role_grants row from its nullable deployment and code location columns. */
export function grantScopeOf(deploymentId: string | null, codeLocationId: string | null): GrantScope {
  if (deploymentId && codeLocationId) return { kind: 'code_location', deploymentId, codeLocationId };
  if (deploymentId) return { kind: 'deployment', deploymentId };
  return { kind: 'organization' };
}

/**
 * Who belongs where: organizations by slug, users at sign-in, and the grants a
 * user holds in an organization (directly and through teams). The lookups
 * that cross tenants go through SECURITY DEFINER functions; the rest through
 * TenantDb.
 */
@Injectable()
export class MembershipsRepository {
  constructor(
    @Inject(PgPool) private readonly pg: PgPool,
    @Inject(TenantDb) private readonly tenant: TenantDb,
  ) {}

  /** The organization with `slug`, or null. */
  async organizationBySlug(slug: string): Promise<OrganizationRef | null> {
    const { rows } = await this.pg.pool.query<OrganizationRef>('SELECT id, slug, name FROM gantry_organization_by_slug($1)', [slug]);
    return rows[0] ?? null;
  }

  /** Organizations `userId` belongs to, by slug. */
  async organizationsOf(userId: string): Promise<OrganizationRef[]> {
    const { rows } = await this.pg.pool.query<OrganizationRef>('SELECT id, slug, name FROM gantry_user_organizations($1)', [userId]);
    return rows;
  }

  /** Creates or refreshes the user of (issuer, subject) and accepts open invitations for a verified email (gantry_sign_in). */
  async signIn(claims: SignInClaims): Promise<SignInResult> {
    const { rows } = await this.pg.pool.query<{ user_id: string; created: boolean; accepted_invitation_ids: string[]; accepted_org_ids: string[] }>(
      'SELECT * FROM gantry_sign_in($1, $2, $3, $4, $5)',
      [claims.issuer, claims.subject, claims.email, claims.emailVerified, claims.name],
    );
    const r = rows[0]!;
    return { userId: r.user_id, created: r.created, acceptedInvitationIds: r.accepted_invitation_ids, acceptedOrgIds: r.accepted_org_ids };
  }

  /**
   * The grants of `userId` in `orgId` (direct and through teams), or null when
   * the user is not a member. One statement.
   */
  async userGrants(orgId: string, userId: string): Promise<Grant[] | null> {
    const { rows } = await this.tenant.raw(orgId, (c) =>
      c.query<{ member: boolean; role: Role | null; deployment_id: string | null; code_location_id: string | null }>({
        name: 'gantry_user_grants',
        text: `
          SELECT true AS member, g.role::text AS role, g.deployment_id, g.code_location_id
          FROM organization_members m
          LEFT JOIN role_grants g ON g.org_id = m.org_id AND (
            (g.principal_kind = 'USER' AND g.principal_id = m.user_id)
            OR (g.principal_kind = 'TEAM' AND g.principal_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = m.user_id)))
          WHERE m.org_id = $1 AND m.user_id = $2`,
        values: [orgId, userId],
      }),
    );
    if (rows.length === 0) return null;
    return rows.filter((r) => r.role !== null).map((r) => ({ role: r.role!, scope: grantScopeOf(r.deployment_id, r.code_location_id) }));
  }
}
