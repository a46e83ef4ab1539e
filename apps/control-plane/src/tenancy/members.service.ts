import { Inject, Injectable } from '@nestjs/common';
import { InvalidArgumentError } from '../api/errors/api.errors';
import { actorRef, type AuthContext, type RequestOrigin } from '../auth/auth-context';
import { auditWho } from '../audit/audit-actor';
import { AuditLog } from '../audit/audit-log.service';
import { TenantDb, type TenantTx } from '../database/tenant-db';
import { effectiveRole, type AccessTarget } from '../rbac/authorize';
import { roleAtLeast, type Role } from '../rbac/roles';
import type { Invitation, Member, PrincipalKind, RoleGrant, Team } from './models/tenancy.models';
import { resolveScope, scopeNameIndex, targetOf, type ScopeNames } from './scope-names';
import { TenancyError } from './tenancy.errors';

/** How long an invitation stays open, ms. */
const INVITATION_TTL_MS = 14 * 24 * 3600 * 1000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

type GrantRow = { id: string; principalKind: string; principalId: string; role: Role; deploymentId: string | null; codeLocationId: string | null; createdAt: Date };

/**
 * Members, invitations, teams and role grants. A caller never hands out more
 * than they hold: the role of an invitation or grant is at most the caller's
 * effective role at its scope (ROLE_TOO_HIGH), Owner only from an Owner, and
 * the last organization Owner can be neither revoked nor removed (LAST_OWNER).
 * Every change writes its audit event (with before and after) in the same transaction.
 */
@Injectable()
export class MembersService {
  constructor(
    @Inject(TenantDb) private readonly tenant: TenantDb,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  /** Members with their direct grants and team names, by email. */
  async list(auth: AuthContext): Promise<Member[]> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      const [members, grants, teamMembers, teams, names] = await Promise.all([
        tx.organizationMember.findMany({ orderBy: { createdAt: 'asc' } }),
        tx.roleGrant.findMany({ where: { principalKind: 'USER' }, orderBy: { createdAt: 'asc' } }),
        tx.teamMember.findMany(),
        tx.team.findMany(),
        scopeNameIndex(tx),
      ]);
      const users = await tx.user.findMany({ where: { id: { in: members.map((m) => m.userId) } } });
      const userById = new Map(users.map((u) => [u.id, u]));
      const teamName = new Map(teams.map((t) => [t.id, t.name]));
      return members.map((m) => {
        const u = userById.get(m.userId);
        return {
          user: { id: m.userId, email: u?.email ?? null, name: u?.name ?? null },
          grants: grants.filter((g) => g.principalId === m.userId).map((g) => toGrant(g, names)),
          teams: teamMembers.filter((t) => t.userId === m.userId).map((t) => teamName.get(t.teamId) ?? t.teamId).sort(),
          joinedAt: m.createdAt,
        };
      });
    });
  }

  /** Teams with members and grants. */
  async teams(auth: AuthContext): Promise<Team[]> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      const [teams, teamMembers, grants, names] = await Promise.all([
        tx.team.findMany({ orderBy: { name: 'asc' } }),
        tx.teamMember.findMany(),
        tx.roleGrant.findMany({ where: { principalKind: 'TEAM' } }),
        scopeNameIndex(tx),
      ]);
      const users = await tx.user.findMany({ where: { id: { in: teamMembers.map((m) => m.userId) } } });
      return teams.map((t) => ({
        id: t.id,
        name: t.name,
        members: teamMembers
          .filter((m) => m.teamId === t.id)
          .map((m) => users.find((u) => u.id === m.userId))
          .flatMap((u) => (u ? [{ id: u.id, email: u.email, name: u.name }] : [])),
        grants: grants.filter((g) => g.principalId === t.id).map((g) => toGrant(g, names)),
      }));
    });
  }

  /** Open and past invitations, newest first. */
  async invitations(auth: AuthContext): Promise<Invitation[]> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      const [rows, names] = await Promise.all([tx.invitation.findMany({ orderBy: { createdAt: 'desc' }, take: 500 }), scopeNameIndex(tx)]);
      return rows.map((i) => ({ ...i, ...names(i) }));
    });
  }

  /**
   * Invites `email` with `role` at `scope`; accepted at the first sign-in with
   * that verified email. Errors: InvalidArgumentError, DeploymentNotFoundError,
   * TenancyError ROLE_TOO_HIGH.
   */
  async invite(auth: AuthContext, email: string, role: Role, scope: ScopeNames | null | undefined, origin: RequestOrigin): Promise<Invitation> {
    const address = email.trim().toLowerCase();
    if (!EMAIL.test(address)) throw new InvalidArgumentError('email', 'an email address');
    return this.tenant.tx(auth.orgId, async (tx) => {
      const ids = await resolveScope(tx, auth.orgId, scope);
      assertMayHandOut(auth, role, targetOf(ids));
      const inv = await tx.invitation.create({
        data: { orgId: auth.orgId, email: address, role, ...ids, invitedBy: actorRef(auth.actor), expiresAt: new Date(Date.now() + INVITATION_TTL_MS) },
      });
      await this.audit.record({ ...auditWho(auth, origin), action: 'invitation.create', target: { type: 'invitation', id: inv.id }, after: { email: address, role, ...scope } }, tx);
      return { ...inv, deployment: scope?.deployment ?? null, codeLocation: scope?.codeLocation ?? null };
    });
  }

  /** Revokes an open invitation. Errors: TenancyError INVITATION_NOT_FOUND. */
  async revokeInvitation(auth: AuthContext, id: string, origin: RequestOrigin): Promise<boolean> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      const res = await tx.invitation.updateMany({ where: { id, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
      if (res.count === 0) throw new TenancyError('INVITATION_NOT_FOUND', `no open invitation ${JSON.stringify(id)}`);
      await this.audit.record({ ...auditWho(auth, origin), action: 'invitation.revoke', target: { type: 'invitation', id } }, tx);
      return true;
    });
  }

  /**
   * Grants `role` at `scope` to a member or team (replacing the role it held at
   * that exact scope). Errors: TenancyError MEMBER_NOT_FOUND / TEAM_NOT_FOUND /
   * ROLE_TOO_HIGH / LAST_OWNER (demoting the last Owner); DeploymentNotFoundError.
   */
  async grant(auth: AuthContext, kind: PrincipalKind, principalId: string, role: Role, scope: ScopeNames | null | undefined, origin: RequestOrigin): Promise<RoleGrant> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      await assertPrincipal(tx, kind, principalId);
      const ids = await resolveScope(tx, auth.orgId, scope);
      assertMayHandOut(auth, role, targetOf(ids));
      const existing = await tx.roleGrant.findFirst({ where: { principalKind: kind, principalId, deploymentId: ids.deploymentId, codeLocationId: ids.codeLocationId } });
      if (existing?.role === 'OWNER' && role !== 'OWNER' && !ids.deploymentId) await assertNotLastOwner(tx, existing.id);
      if (existing && existing.role === 'OWNER' && !roleAtLeast(effectiveRole(auth.grants, { kind: 'organization' }) ?? 'VIEWER', 'OWNER')) {
        throw new TenancyError('ROLE_TOO_HIGH', 'only an Owner changes an Owner grant');
      }
      const row = existing
        ? await tx.roleGrant.update({ where: { id: existing.id }, data: { role } })
        : await tx.roleGrant.create({ data: { orgId: auth.orgId, principalKind: kind, principalId, role, ...ids, createdBy: actorRef(auth.actor) } });
      await this.audit.record(
        {
          ...auditWho(auth, origin),
          action: 'role.grant',
          target: { type: kind === 'USER' ? 'user' : 'team', id: principalId },
          before: existing ? { role: existing.role, ...scope } : null,
          after: { role, ...scope },
        },
        tx,
      );
      return toGrant(row, () => ({ deployment: scope?.deployment ?? null, codeLocation: scope?.codeLocation ?? null }));
    });
  }

  /** Revokes grant `grantId`. Errors: TenancyError GRANT_NOT_FOUND, ROLE_TOO_HIGH (an Owner grant by a non-Owner), LAST_OWNER. */
  async revoke(auth: AuthContext, grantId: string, origin: RequestOrigin): Promise<boolean> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      const g = await tx.roleGrant.findFirst({ where: { id: grantId } });
      if (!g) throw new TenancyError('GRANT_NOT_FOUND', `no grant ${JSON.stringify(grantId)}`);
      if (g.role === 'OWNER') {
        assertMayHandOut(auth, 'OWNER', { kind: 'organization' });
        if (!g.deploymentId) await assertNotLastOwner(tx, g.id);
      }
      await tx.roleGrant.delete({ where: { id: g.id } });
      await this.audit.record(
        { ...auditWho(auth, origin), action: 'role.revoke', target: { type: g.principalKind === 'USER' ? 'user' : 'team', id: g.principalId }, before: { role: g.role, deploymentId: g.deploymentId, codeLocationId: g.codeLocationId }, after: null },
        tx,
      );
      return true;
    });
  }

  /** Removes a member with their grants and team memberships. Errors: MEMBER_NOT_FOUND, LAST_OWNER, ROLE_TOO_HIGH (removing an Owner as non-Owner). */
  async remove(auth: AuthContext, userId: string, origin: RequestOrigin): Promise<boolean> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      await assertPrincipal(tx, 'USER' as PrincipalKind, userId);
      const grants = await tx.roleGrant.findMany({ where: { principalKind: 'USER', principalId: userId } });
      const ownerGrant = grants.find((g) => g.role === 'OWNER' && !g.deploymentId);
      if (ownerGrant) {
        assertMayHandOut(auth, 'OWNER', { kind: 'organization' });
        await assertNotLastOwner(tx, ownerGrant.id);
      }
      await tx.roleGrant.deleteMany({ where: { principalKind: 'USER', principalId: userId } });
      await tx.teamMember.deleteMany({ where: { userId } });
      await tx.organizationMember.deleteMany({ where: { userId } });
      await this.audit.record({ ...auditWho(auth, origin), action: 'member.remove', target: { type: 'user', id: userId }, before: { grants: grants.map((g) => g.role) }, after: null }, tx);
      return true;
    });
  }

  /** Creates team `name`. Errors: InvalidArgumentError, TenancyError TEAM_EXISTS. */
  async createTeam(auth: AuthContext, name: string, origin: RequestOrigin): Promise<Team> {
    const n = name.trim();
    if (n === '' || n.length > 100) throw new InvalidArgumentError('name', '1–100 characters');
    return this.tenant.tx(auth.orgId, async (tx) => {
      if (await tx.team.findFirst({ where: { name: n } })) throw new TenancyError('TEAM_EXISTS', `team ${JSON.stringify(n)} already exists`);
      const t = await tx.team.create({ data: { orgId: auth.orgId, name: n } });
      await this.audit.record({ ...auditWho(auth, origin), action: 'team.create', target: { type: 'team', id: t.id }, after: { name: n } }, tx);
      return { id: t.id, name: t.name, members: [], grants: [] };
    });
  }

  /** Adds (`add`) or removes a member of a team. Errors: TEAM_NOT_FOUND, MEMBER_NOT_FOUND. */
  async setTeamMember(auth: AuthContext, teamId: string, userId: string, add: boolean, origin: RequestOrigin): Promise<boolean> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      await assertPrincipal(tx, 'TEAM' as PrincipalKind, teamId);
      await assertPrincipal(tx, 'USER' as PrincipalKind, userId);
      if (add) {
        const exists = await tx.teamMember.findFirst({ where: { teamId, userId } });
        if (!exists) await tx.teamMember.create({ data: { orgId: auth.orgId, teamId, userId } });
      } else {
        await tx.teamMember.deleteMany({ where: { teamId, userId } });
      }
      await this.audit.record({ ...auditWho(auth, origin), action: add ? 'team.add_member' : 'team.remove_member', target: { type: 'team', id: teamId }, after: { userId } }, tx);
      return true;
    });
  }
}

function toGrant(g: GrantRow, names: (ids: { deploymentId: string | null; codeLocationId: string | null }) => { deployment: string | null; codeLocation: string | null }): RoleGrant {
  return { id: g.id, principalKind: g.principalKind as PrincipalKind, principalId: g.principalId, role: g.role, createdAt: g.createdAt, ...names(g) };
}

/** Refuses to hand out more than the caller holds at `target`; Owner only from an organization Owner. */
export function assertMayHandOut(auth: AuthContext, role: Role, target: AccessTarget): void {
  const held = effectiveRole(auth.grants, target);
  const ok = held !== null && roleAtLeast(held, role) && (role !== 'OWNER' || effectiveRole(auth.grants, { kind: 'organization' }) === 'OWNER');
  if (!ok) throw new TenancyError('ROLE_TOO_HIGH', `you may hand out at most ${held ?? 'nothing'} at this scope${role === 'OWNER' ? ' (Owner only by an organization Owner)' : ''}`, { requested: role, held });
}

async function assertPrincipal(tx: TenantTx, kind: PrincipalKind, id: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new InvalidArgumentError(kind === 'USER' ? 'userId' : 'teamId', 'a UUID');
  const found = kind === 'USER' ? await tx.organizationMember.findFirst({ where: { userId: id } }) : await tx.team.findFirst({ where: { id } });
  if (!found) throw new TenancyError(kind === 'USER' ? 'MEMBER_NOT_FOUND' : 'TEAM_NOT_FOUND', `${kind === 'USER' ? 'member' : 'team'} ${JSON.stringify(id)} not found`);
}

async function assertNotLastOwner(tx: TenantTx, grantId: string): Promise<void> {
  const others = await tx.roleGrant.count({ where: { role: 'OWNER', deploymentId: null, principalKind: 'USER', id: { not: grantId } } });
  if (others === 0) throw new TenancyError('LAST_OWNER', 'the organization needs at least one Owner: grant Owner to someone else first');
}
