import type * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { hashToken, TOKEN_PREFIX } from '@gantry/domain';
import { LOGGER } from '../logging/logger';
import { AgentUnauthenticatedError } from './agent-errors';
import { AgentsRepository } from './agents.repository';

/** Who is calling the AgentService: an agent token, scoped to an organization and some deployments. */
export interface AgentPrincipal {
  tokenId: string;
  /** Name of the token (for logs). */
  tokenName: string;
  orgId: string;
  /** Deployment ids the token may serve; empty means every deployment of the organization. */
  deploymentIds: readonly string[];
  /** Set when the agent presented the secret a rotation replaced: the session ends at this time. */
  graceUntil?: Date;
}

/** `last_used_at` is written at most this often per token, ms. */
export const TOKEN_TOUCH_INTERVAL_MS = 60_000;

/**
 * Extracts the token of `authorization: Bearer <token>` metadata; undefined
 * when missing or malformed.
 */
export function bearerToken(metadata: grpc.Metadata): string | undefined {
  const [value] = metadata.get('authorization');
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

/**
 * Authenticates agent RPCs: looks the token up by its SHA-256 in
 * `agent_tokens` and refuses missing, unknown, expired and revoked tokens,
 * and a rotated token's previous secret after its grace period, alike with {@link AgentUnauthenticatedError} ("invalid agent token").
 * Updates `last_used_at`, throttled to once per {@link TOKEN_TOUCH_INTERVAL_MS}.
 */
@Injectable()
export class AgentAuthenticator {
  private readonly lastTouched = new Map<string, number>();
  private readonly log: Logger;

  constructor(
    @Inject(AgentsRepository) private readonly repo: AgentsRepository,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'agent-auth' });
  }

  /** The principal of the call. Errors: AgentUnauthenticatedError. */
  async authenticate(metadata: grpc.Metadata): Promise<AgentPrincipal> {
    const token = bearerToken(metadata);
    // Agent tokens carry their prefix; anything else (an API token, garbage) is refused without a lookup.
    if (!token || !token.startsWith(TOKEN_PREFIX.agent)) throw new AgentUnauthenticatedError();
    const row = await this.repo.findTokenByHash(hashToken(token));
    const now = Date.now();
    if (
      !row ||
      row.revokedAt !== null ||
      (row.expiresAt !== null && row.expiresAt.getTime() <= now) ||
      (row.isPrevious && (row.previousExpiresAt === null || row.previousExpiresAt.getTime() <= now))
    ) {
      throw new AgentUnauthenticatedError();
    }
    this.touch(row.orgId, row.id);
    return {
      tokenId: row.id,
      tokenName: row.name,
      orgId: row.orgId,
      deploymentIds: row.deploymentIds,
      ...(row.isPrevious && row.previousExpiresAt && { graceUntil: row.previousExpiresAt }),
    };
  }

  /** Records a use of the token (throttled); never throws. */
  touch(orgId: string, tokenId: string): void {
    const now = Date.now();
    const last = this.lastTouched.get(tokenId);
    if (last !== undefined && now - last < TOKEN_TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(tokenId, now);
    this.repo.touchToken(orgId, tokenId).catch((error: unknown) => this.log.warn({ err: error, tokenId }, 'could not update last_used_at of an agent token'));
  }
}
