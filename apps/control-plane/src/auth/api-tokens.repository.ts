import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/** The fields of an API token the authenticator needs. */
export interface ApiTokenRecord {
  id: string;
  orgId: string;
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
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** The token whose `token_hash` equals `hash` (hex SHA-256), or null. */
  findByHash(hash: string): Promise<ApiTokenRecord | null> {
    return this.prisma.client.apiToken.findUnique({
      where: { tokenHash: hash },
      select: { id: true, orgId: true, expiresAt: true, revokedAt: true, lastUsedAt: true },
    });
  }

  /**
   * Sets `last_used_at = now` unless another replica did so within `minIntervalMs`
   * (so a busy token costs one write per interval, not per request).
   */
  async touchLastUsed(orgId: string, id: string, now: Date, minIntervalMs: number): Promise<void> {
    const threshold = new Date(now.getTime() - minIntervalMs);
    await this.prisma.client.apiToken.updateMany({
      where: { id, orgId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: threshold } }] },
      data: { lastUsedAt: now },
    });
  }
}
