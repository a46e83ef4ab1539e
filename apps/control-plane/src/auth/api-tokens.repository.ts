import { Inject, Injectable } from '@nestjs/common';
import { PgPool } from '../database/pg-pool';
import { TenantDb } from '../database/tenant-db';
import type { Role } from '../rbac/roles';

/** The fields of an API token the authenticator needs. */
export interface ApiTokenRecord {
  id: string;
  orgId: string;
  role: Role;
  deploymentId: string | null;
  codeLocationId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/**
 * API tokens. The one lookup that is not scoped by organization: finding the
 * token is how a request learns its organization (by the SHA-256 of the
 * secret, which is unique).
 */
@Injectable()
export class ApiTokensRepository {
  constructor(
    @Inject(PgPool) private readonly pg: PgPool,
    @Inject(TenantDb) private readonly db: TenantDb,
  ) {}

  /**
   * The token whose `token_hash` equals `hash` (hex SHA-256), or null. Runs the
   * SECURITY DEFINER function `gantry_api_token_by_hash`: the caller has no
   * organization yet, and row-level security would hide every token.
   */
  async findByHash(hash: string): Promise<ApiTokenRecord | null> {
    const { rows } = await this.pg.pool.query<{
      id: string; org_id: string; role: Role; deployment_id: string | null; code_location_id: string | null;
      expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null;
    }>('SELECT * FROM gantry_api_token_by_hash($1)', [hash]);
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id, orgId: r.org_id, role: r.role, deploymentId: r.deployment_id, codeLocationId: r.code_location_id,
      expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at,
    };
  }

  /**
   * Sets `last_used_at = now` unless another replica did so within `minIntervalMs`
   * (so a busy token costs one write per interval, not per request).
   */
  async touchLastUsed(orgId: string, id: string, now: Date, minIntervalMs: number): Promise<void> {
    const threshold = new Date(now.getTime() - minIntervalMs);
    await this.db.forOrg(orgId).apiToken.updateMany({
      where: { id, orgId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: threshold } }] },
      data: { lastUsedAt: now },
    });
  }
}
