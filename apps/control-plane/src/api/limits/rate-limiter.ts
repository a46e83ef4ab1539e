import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../../config/control-plane.config';
import type { ApiLimitsConfig } from './api-limits.config';

/** What a rate-limit counter counts. */
export type RateLimitScope = 'actor' | 'anonymous-ip' | 'auth-failures-ip';

/** A refused attempt: which limit, and the seconds until a retry can succeed. */
export interface RateLimitHit {
  scope: RateLimitScope;
  retryAfterSeconds: number;
}

/**
 * Sliding-window counters of the API's rate limits, on @nestjs/throttler's
 * storage. State is in memory per replica: counters are not shared across
 * replicas and reset on restart, so with N replicas a client may get up to N
 * times each limit. Keys are actor refs (`api_token:<id>`, `user:<id>`) and
 * client IPs; no secret is ever a key.
 */
@Injectable()
export class RequestRateLimiter implements OnApplicationShutdown {
  private readonly storage = new ThrottlerStorageService();
  private readonly limits: ApiLimitsConfig;

  constructor(@Inject(CONTROL_PLANE_CONFIG) config: ControlPlaneConfig) {
    this.limits = config.limits;
  }

  /** Counts one operation of an authenticated actor; a hit when over GANTRY_RATE_LIMIT_PER_ACTOR in the window. */
  consumeActor(actorRef: string): Promise<RateLimitHit | undefined> {
    return this.consume('actor', actorRef, this.limits.rateLimitPerActor);
  }

  /** Counts one operation without credentials from `ip`; a hit when over GANTRY_RATE_LIMIT_ANONYMOUS_PER_IP. */
  consumeAnonymous(ip: string): Promise<RateLimitHit | undefined> {
    return this.consume('anonymous-ip', ip, this.limits.rateLimitAnonymousPerIp);
  }

  /**
   * Records a failed authentication from `ip`. The GANTRY_AUTH_FAILURES_PER_IP-th
   * failure within the window blocks the IP for GANTRY_AUTH_FAILURE_BLOCK_MS.
   */
  async recordAuthFailure(ip: string): Promise<void> {
    await this.storage.increment(`auth-failures-ip:${ip}`, this.limits.rateLimitWindowMs, this.limits.authFailuresPerIp - 1, this.limits.authFailureBlockMs, 'auth-failures-ip');
  }

  /** A hit while `ip` is blocked for failed authentications; undefined otherwise. Counts nothing. */
  authFailureBlock(ip: string): RateLimitHit | undefined {
    const record = this.storage.storage.get(`auth-failures-ip:${ip}`);
    const leftMs = record?.isBlocked ? record.blockExpiresAt - Date.now() : 0;
    return leftMs > 0 ? { scope: 'auth-failures-ip', retryAfterSeconds: Math.ceil(leftMs / 1000) } : undefined;
  }

  private async consume(scope: RateLimitScope, key: string, limit: number): Promise<RateLimitHit | undefined> {
    const r = await this.storage.increment(`${scope}:${key}`, this.limits.rateLimitWindowMs, limit, 0, scope);
    return r.isBlocked ? { scope, retryAfterSeconds: Math.max(1, r.timeToBlockExpire) } : undefined;
  }

  onApplicationShutdown(): void {
    this.storage.onApplicationShutdown();
  }
}
