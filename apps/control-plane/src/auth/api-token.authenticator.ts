import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { hashToken, TOKEN_PREFIX } from '@gantry/domain';
import { LOGGER } from '../logging/logger';
import type { AuthContext, GrantScope } from './auth-context';
import { UnauthenticatedError } from './auth.errors';
import { ApiTokensRepository, type ApiTokenRecord } from './api-tokens.repository';

/** `last_used_at` is written at most once per this interval per token, ms. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Longest token accepted before hashing (a minted token is 54 characters). */
const MAX_TOKEN_LENGTH = 256;

/**
 * Authenticates `Authorization: Bearer gantry_api_…` against `api_tokens`
 * (`token_hash = sha256(token)`). Refuses unknown, expired and revoked tokens
 * alike. Records `last_used_at` in the background, throttled per token.
 */
@Injectable()
export class ApiTokenAuthenticator {
  private readonly lastWritten = new Map<string, number>();
  private readonly log: Logger;

  constructor(
    @Inject(ApiTokensRepository) private readonly tokens: ApiTokensRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'auth' });
  }

  /** The auth context of `credentials` (`Bearer gantry_api_…`). Errors: UnauthenticatedError when missing, unknown, expired or revoked. */
  async authenticate(credentials: string | undefined): Promise<AuthContext> {
    const token = bearerToken(credentials);
    if (!token) throw new UnauthenticatedError();
    const record = await this.tokens.findByHash(hashToken(token));
    const now = new Date();
    if (!record || record.revokedAt || (record.expiresAt && record.expiresAt <= now)) throw new UnauthenticatedError();
    this.recordUse(record.orgId, record.id, record.lastUsedAt, now);
    return { orgId: record.orgId, actor: { kind: 'api_token', id: record.id }, grants: [{ role: record.role, scope: tokenScope(record) }] };
  }

  private recordUse(orgId: string, id: string, lastUsedAt: Date | null, now: Date): void {
    const last = Math.max(this.lastWritten.get(id) ?? 0, lastUsedAt?.getTime() ?? 0);
    if (now.getTime() - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastWritten.set(id, now.getTime());
    if (this.lastWritten.size > 10_000) this.lastWritten.clear();
    this.tokens.touchLastUsed(orgId, id, now, LAST_USED_WRITE_INTERVAL_MS).catch((err: unknown) => {
      this.log.warn({ err, tokenId: id }, 'could not record last use of an API token');
    });
  }
}

function tokenScope(record: ApiTokenRecord): GrantScope {
  if (record.deploymentId && record.codeLocationId) return { kind: 'code_location', deploymentId: record.deploymentId, codeLocationId: record.codeLocationId };
  if (record.deploymentId) return { kind: 'deployment', deploymentId: record.deploymentId };
  return { kind: 'organization' };
}

/** The token of `Bearer <token>` when it looks like an API token; undefined otherwise. */
export function bearerToken(credentials: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(credentials ?? '');
  const token = match?.[1];
  if (!token || token.length > MAX_TOKEN_LENGTH || !token.startsWith(TOKEN_PREFIX.api)) return undefined;
  return token;
}
