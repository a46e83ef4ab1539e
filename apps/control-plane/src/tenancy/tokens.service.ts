import { Inject, Injectable } from '@nestjs/common';
import { mintToken } from '@gantry/domain';
import { InvalidArgumentError } from '../api/errors/api.errors';
import { actorRef, type AuthContext, type RequestOrigin } from '../auth/auth-context';
import { ForbiddenError } from '../auth/auth.errors';
import { auditWho } from '../audit/audit-actor';
import { AuditLog } from '../audit/audit-log.service';
import { DeploymentNotFoundError } from '../catalog/catalog.errors';
import { TenantDb } from '../database/tenant-db';
import { covers } from '../rbac/authorize';
import type { Role } from '../rbac/roles';
import { assertMayHandOut } from './members.service';
import type { AgentToken, ApiToken, CreatedAgentToken, CreatedApiToken } from './models/tenancy.models';
import { resolveScope, scopeNameIndex, targetOf, type ScopeNames } from './scope-names';
import { TenancyError } from './tenancy.errors';

/** Longest token lifetime a caller may ask for, days. */
const MAX_EXPIRY_DAYS = 3650;
/** Default and longest grace period of an agent token rotation, seconds. */
const ROTATION_GRACE = { default: 3600, max: 7 * 24 * 3600 } as const;

function expiryOf(days: number | null | undefined): Date | null {
  if (days === null || days === undefined) return null;
  if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRY_DAYS) throw new InvalidArgumentError('expiresInDays', `an integer from 1 to ${MAX_EXPIRY_DAYS}`);
  return new Date(Date.now() + days * 24 * 3600 * 1000);
}

function checkName(name: string): string {
  const n = name.trim();
  if (n === '' || n.length > 100) throw new InvalidArgumentError('name', '1–100 characters');
  return n;
}

/**
 * API tokens (for scripts) and agent tokens. Secrets are minted here, returned
 * once, and stored only as SHA-256 hashes; neither the secret nor its hash
 * reaches a log or the audit log. An API token's role is at most its creator's
 * at the token's scope (ROLE_TOO_HIGH). An agent token rotation keeps the old
 * secret working for a grace period so agents can be rolled without downtime.
 */
@Injectable()
export class TokensService {
  constructor(
    @Inject(TenantDb) private readonly tenant: TenantDb,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  /** API tokens of the organization, newest first (never their secrets). */
  async apiTokens(auth: AuthContext): Promise<ApiToken[]> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      const [rows, names] = await Promise.all([tx.apiToken.findMany({ orderBy: { createdAt: 'desc' } }), scopeNameIndex(tx)]);
      return rows.map((t) => ({ ...t, ...names(t) }));
    });
  }

  /** Creates an API token. Errors: InvalidArgumentError, DeploymentNotFoundError, TenancyError ROLE_TOO_HIGH. */
  async createApiToken(auth: AuthContext, name: string, role: Role, scope: ScopeNames | null | undefined, expiresInDays: number | null | undefined, origin: RequestOrigin): Promise<CreatedApiToken> {
    const n = checkName(name);
    const expiresAt = expiryOf(expiresInDays);
    return this.tenant.tx(auth.orgId, async (tx) => {
      const ids = await resolveScope(tx, auth.orgId, scope);
      assertMayHandOut(auth, role, targetOf(ids));
      const minted = mintToken('api');
      const row = await tx.apiToken.create({
        data: { orgId: auth.orgId, name: n, tokenHash: minted.hash, prefix: minted.prefix, role, ...ids, createdBy: actorRef(auth.actor), expiresAt },
      });
      await this.audit.record(
        { ...auditWho(auth, origin), action: 'api_token.create', target: { type: 'api_token', id: row.id }, after: { name: n, role, prefix: minted.prefix, expiresAt, ...scope } },
        tx,
      );
      return { token: minted.value, apiToken: { ...row, deployment: scope?.deployment ?? null, codeLocation: scope?.codeLocation ?? null } };
    });
  }

  /**
   * Revokes an API token: one's own, or any with Admin on the organization.
   * Idempotent for an already revoked token. Errors: TenancyError TOKEN_NOT_FOUND, ForbiddenError.
   */
  async revokeApiToken(auth: AuthContext, id: string, origin: RequestOrigin): Promise<ApiToken> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      const t = /^[0-9a-f-]{36}$/i.test(id) ? await tx.apiToken.findFirst({ where: { id } }) : null;
      if (!t) throw new TenancyError('TOKEN_NOT_FOUND', `no API token ${JSON.stringify(id)}`);
      const own = t.createdBy === actorRef(auth.actor) || (auth.actor.kind === 'api_token' && auth.actor.id === t.id);
      if (!own && !covers(auth.grants, 'ADMIN', { kind: 'organization' })) throw new ForbiddenError('revoking another person\'s API token requires the role ADMIN on the organization');
      const row = t.revokedAt ? t : await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
      if (!t.revokedAt) await this.audit.record({ ...auditWho(auth, origin), action: 'api_token.revoke', target: { type: 'api_token', id }, before: { revokedAt: null }, after: { revokedAt: row.revokedAt } }, tx);
      const names = await scopeNameIndex(tx);
      return { ...row, ...names(row) };
    });
  }

  /** Agent tokens of the organization, newest first (never their secrets). */
  async agentTokens(auth: AuthContext): Promise<AgentToken[]> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      const [rows, deployments] = await Promise.all([tx.agentToken.findMany({ orderBy: { createdAt: 'desc' } }), tx.deployment.findMany({ select: { id: true, name: true } })]);
      const name = new Map(deployments.map((d) => [d.id, d.name]));
      return rows.map((t) => ({ ...t, deployments: t.deploymentIds.map((d) => name.get(d) ?? d).sort() }));
    });
  }

  /** Creates an agent token serving `deployments` (names; empty: all). Errors: InvalidArgumentError, DeploymentNotFoundError. */
  async createAgentToken(auth: AuthContext, name: string, deployments: readonly string[], expiresInDays: number | null | undefined, origin: RequestOrigin): Promise<CreatedAgentToken> {
    const n = checkName(name);
    const expiresAt = expiryOf(expiresInDays);
    return this.tenant.tx(auth.orgId, async (tx) => {
      const wanted = [...new Set(deployments.map((d) => d.trim()).filter((d) => d !== ''))];
      const found = await tx.deployment.findMany({ where: { name: { in: wanted } }, select: { id: true, name: true } });
      const missing = wanted.find((w) => !found.some((f) => f.name === w));
      if (missing) throw new DeploymentNotFoundError(missing);
      const minted = mintToken('agent');
      const row = await tx.agentToken.create({
        data: { orgId: auth.orgId, name: n, tokenHash: minted.hash, prefix: minted.prefix, deploymentIds: found.map((f) => f.id), createdBy: actorRef(auth.actor), expiresAt },
      });
      await this.audit.record({ ...auditWho(auth, origin), action: 'agent_token.create', target: { type: 'agent_token', id: row.id }, after: { name: n, deployments: wanted, prefix: minted.prefix } }, tx);
      return { token: minted.value, agentToken: { ...row, deployments: wanted.sort() } };
    });
  }

  /**
   * Rotates an agent token: a new secret now; the previous one keeps working
   * for `graceSeconds` (default 3600, at most 7 days), then agents still using
   * it are refused, sessions included. Errors: TOKEN_NOT_FOUND (unknown or revoked), InvalidArgumentError.
   */
  async rotateAgentToken(auth: AuthContext, id: string, graceSeconds: number | null | undefined, origin: RequestOrigin): Promise<CreatedAgentToken> {
    const grace = graceSeconds ?? ROTATION_GRACE.default;
    if (!Number.isInteger(grace) || grace < 0 || grace > ROTATION_GRACE.max) throw new InvalidArgumentError('graceSeconds', `an integer from 0 to ${ROTATION_GRACE.max}`);
    return this.tenant.tx(auth.orgId, async (tx) => {
      const t = /^[0-9a-f-]{36}$/i.test(id) ? await tx.agentToken.findFirst({ where: { id, revokedAt: null } }) : null;
      if (!t) throw new TenancyError('TOKEN_NOT_FOUND', `no active agent token ${JSON.stringify(id)}`);
      const minted = mintToken('agent');
      const now = new Date();
      const row = await tx.agentToken.update({
        where: { id },
        data: { tokenHash: minted.hash, prefix: minted.prefix, previousTokenHash: t.tokenHash, previousExpiresAt: new Date(now.getTime() + grace * 1000), rotatedAt: now },
      });
      await this.audit.record(
        { ...auditWho(auth, origin), action: 'agent_token.rotate', target: { type: 'agent_token', id }, before: { prefix: t.prefix }, after: { prefix: minted.prefix, graceSeconds: grace } },
        tx,
      );
      const deployments = await tx.deployment.findMany({ where: { id: { in: row.deploymentIds } }, select: { name: true } });
      return { token: minted.value, agentToken: { ...row, deployments: deployments.map((d) => d.name).sort() } };
    });
  }

  /** Revokes an agent token (and a rotation's previous secret); connected agents are cut at their next heartbeat. Errors: TOKEN_NOT_FOUND. */
  async revokeAgentToken(auth: AuthContext, id: string, origin: RequestOrigin): Promise<AgentToken> {
    return this.tenant.tx(auth.orgId, async (tx) => {
      const t = /^[0-9a-f-]{36}$/i.test(id) ? await tx.agentToken.findFirst({ where: { id } }) : null;
      if (!t) throw new TenancyError('TOKEN_NOT_FOUND', `no agent token ${JSON.stringify(id)}`);
      const now = new Date();
      const row = t.revokedAt ? t : await tx.agentToken.update({ where: { id }, data: { revokedAt: now, previousExpiresAt: t.previousExpiresAt && now } });
      if (!t.revokedAt) await this.audit.record({ ...auditWho(auth, origin), action: 'agent_token.revoke', target: { type: 'agent_token', id }, after: { revokedAt: now } }, tx);
      const deployments = await tx.deployment.findMany({ where: { id: { in: row.deploymentIds } }, select: { name: true } });
      return { ...row, deployments: deployments.map((d) => d.name).sort() };
    });
  }
}
