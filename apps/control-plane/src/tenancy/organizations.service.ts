import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InvalidArgumentError } from '../api/errors/api.errors';
import { isOrganizationSlug } from '../api/graphql-context';
import { actorRef, type AuthContext, type RequestOrigin } from '../auth/auth-context';
import type { UserActor } from '../auth/auth.service';
import { auditActorOf, auditWho } from '../audit/audit-actor';
import { AuditLog } from '../audit/audit-log.service';
import { TenantDb } from '../database/tenant-db';
import { covers, effectiveRole } from '../rbac/authorize';
import type { Role } from '../rbac/roles';
import { resolveScope, targetOf } from './scope-names';
import { MembershipsRepository, type OrganizationRef } from './memberships.repository';
import type { Organization, User } from './models/tenancy.models';
import { TenancyError } from './tenancy.errors';

/**
 * Slugs an organization cannot take: the console's URLs start with the
 * organization (`/<slug>/<deployment>/…`), so these server paths would
 * shadow it.
 */
export const RESERVED_ORGANIZATION_SLUGS: ReadonlySet<string> = new Set(['api', 'graphql', 'realms', 'orgs', 'healthz', 'readyz']);

/** Longest organization display name, characters. */
const MAX_NAME = 200;
/** Audit retention bounds, days. */
const RETENTION_DAYS = { min: 1, max: 3650 } as const;

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; meta?: { code?: unknown } };
  return e.code === 'P2002' || e.code === '23505' || e.meta?.code === '23505';
}

/**
 * Organizations and deployments: create one (its creator becomes Owner, with a
 * `prod` deployment), read it, add deployments, change settings. Every change
 * writes its audit event in the same transaction.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    @Inject(TenantDb) private readonly tenant: TenantDb,
    @Inject(MembershipsRepository) private readonly members: MembershipsRepository,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  /** The signed-in user. */
  me(actor: UserActor): User {
    return { id: actor.id, email: actor.email, name: actor.name };
  }

  /** Organizations the user belongs to, by slug. */
  myOrganizations(actor: UserActor): Promise<OrganizationRef[]> {
    return this.members.organizationsOf(actor.id);
  }

  /**
   * Creates organization `slug` with deployment `prod`; the creator becomes a
   * member with Owner on the organization. Errors: InvalidArgumentError (slug
   * syntax, name length), TenancyError ORGANIZATION_SLUG_TAKEN.
   */
  async create(actor: UserActor, slug: string, name: string, origin: RequestOrigin): Promise<Organization> {
    if (!isOrganizationSlug(slug)) throw new InvalidArgumentError('slug', 'lowercase letters, digits and dashes, 1–63 characters, starting with a letter or digit');
    if (RESERVED_ORGANIZATION_SLUGS.has(slug)) throw new InvalidArgumentError('slug', `"${slug}" is reserved: the server and the console use it as a path`);
    const display = name.trim();
    if (display === '' || display.length > MAX_NAME) throw new InvalidArgumentError('name', `1–${MAX_NAME} characters`);
    const orgId = randomUUID();
    try {
      await this.tenant.tx(orgId, async (tx) => {
        await tx.organization.create({ data: { id: orgId, slug, name: display } });
        await tx.deployment.create({ data: { orgId, name: 'prod' } });
        await tx.organizationMember.create({ data: { orgId, userId: actor.id } });
        await tx.roleGrant.create({ data: { orgId, principalKind: 'USER', principalId: actor.id, role: 'OWNER', createdBy: actorRef(actor) } });
        await this.audit.record(
          { orgId, actor: auditActorOf(actor), action: 'organization.create', target: { type: 'organization', id: orgId }, after: { slug, name: display }, ...origin },
          tx,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new TenancyError('ORGANIZATION_SLUG_TAKEN', `organization slug ${JSON.stringify(slug)} is taken; choose another`, { slug });
      throw error;
    }
    return { id: orgId, slug, name: display, auditRetentionDays: 365 };
  }

  /** The request's organization; `auditRetentionDays` only for Owners. */
  async get(auth: AuthContext): Promise<Organization> {
    const org = await this.tenant.forOrg(auth.orgId).organization.findUniqueOrThrow({ where: { id: auth.orgId } });
    const owner = covers(auth.grants, 'OWNER', { kind: 'organization' });
    return { id: org.id, slug: org.slug, name: org.name, auditRetentionDays: owner ? org.auditRetentionDays : null };
  }

  /**
   * The caller's highest role in the request's organization: at deployment
   * `deployment` (organization-wide and that deployment's grants, direct or
   * through teams) or, without one, organization-wide only. Null when no grant
   * covers it (e.g. only code-location grants). The console hides what this
   * role may not do; the server checks every operation anyway.
   * Errors: DeploymentNotFoundError.
   */
  async myRole(auth: AuthContext, deployment: string | null): Promise<Role | null> {
    const ids = await this.tenant.tx(auth.orgId, (tx) => resolveScope(tx, auth.orgId, { deployment }));
    return effectiveRole(auth.grants, targetOf(ids));
  }

  /** Adds deployment `name`. Errors: InvalidArgumentError, TenancyError DEPLOYMENT_EXISTS. */
  async createDeployment(auth: AuthContext, name: string, origin: RequestOrigin): Promise<{ id: string; name: string; createdAt: Date }> {
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)) throw new InvalidArgumentError('name', 'lowercase letters, digits, dashes and underscores, 1–63 characters');
    try {
      return await this.tenant.tx(auth.orgId, async (tx) => {
        const d = await tx.deployment.create({ data: { orgId: auth.orgId, name } });
        await this.audit.record({ ...auditWho(auth, origin), action: 'deployment.create', target: { type: 'deployment', id: d.id }, after: { name } }, tx);
        return d;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new TenancyError('DEPLOYMENT_EXISTS', `deployment ${JSON.stringify(name)} already exists`, { name });
      throw error;
    }
  }

  /** Sets the audit retention (days, 1–3650). Errors: InvalidArgumentError. */
  async updateSettings(auth: AuthContext, auditRetentionDays: number, origin: RequestOrigin): Promise<Organization> {
    if (!Number.isInteger(auditRetentionDays) || auditRetentionDays < RETENTION_DAYS.min || auditRetentionDays > RETENTION_DAYS.max) {
      throw new InvalidArgumentError('auditRetentionDays', `an integer from ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max}`);
    }
    const org = await this.tenant.tx(auth.orgId, async (tx) => {
      const before = await tx.organization.findUniqueOrThrow({ where: { id: auth.orgId } });
      const after = await tx.organization.update({ where: { id: auth.orgId }, data: { auditRetentionDays } });
      await this.audit.record(
        {
          ...auditWho(auth, origin),
          action: 'organization.update_settings',
          target: { type: 'organization', id: auth.orgId },
          before: { auditRetentionDays: before.auditRetentionDays },
          after: { auditRetentionDays },
        },
        tx,
      );
      return after;
    });
    return { id: org.id, slug: org.slug, name: org.name, auditRetentionDays: org.auditRetentionDays };
  }
}
