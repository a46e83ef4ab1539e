import { Inject, Injectable } from '@nestjs/common';
import type { GraphQLError } from 'graphql';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../../config/control-plane.config';
import { actorRef } from '../../auth/auth-context';
import { UnauthenticatedError } from '../../auth/auth.errors';
import { AuthService } from '../../auth/auth.service';
import { credentialsOf, type GraphqlContext } from '../graphql-context';
import { limitError } from './limit-errors';
import { RequestRateLimiter, type RateLimitHit } from './rate-limiter';

/**
 * Decides whether a GraphQL operation may run, before any resolver: the rate
 * limits, in this order.
 * 1. An IP blocked for failed authentications is refused whatever it sends,
 *    a valid token included: otherwise the block would still let an attacker
 *    tell a right guess from a wrong one, and a leaked token would be usable
 *    by the prober. Successes never reset the failure count.
 * 2. Without credentials: counted per client IP.
 * 3. With credentials: authenticated (once per request; the auth guard reuses
 *    the result); a failure counts against the IP and the operation goes on to
 *    the guard's usual 401; a success is counted per actor.
 */
@Injectable()
export class RequestAdmission {
  constructor(
    @Inject(RequestRateLimiter) private readonly limiter: RequestRateLimiter,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(CONTROL_PLANE_CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  /** RATE_LIMITED when the operation must be refused; undefined when it may run. `ip` is the client's (see client-ip.ts). */
  async admit(ctx: GraphqlContext, ip: string): Promise<GraphQLError | undefined> {
    const blocked = this.limiter.authFailureBlock(ip);
    if (blocked) return this.refusal(blocked);
    if (credentialsOf(ctx).credentials === undefined) {
      const hit = await this.limiter.consumeAnonymous(ip);
      return hit && this.refusal(hit);
    }
    let actor: string;
    try {
      // The principal, not the organization: user-level operations name none, and rate limits follow the caller.
      const principal = await this.auth.identify(ctx);
      actor = actorRef(principal.kind === 'api_token' ? principal.auth.actor : principal.actor);
    } catch (error) {
      if (error instanceof UnauthenticatedError) await this.limiter.recordAuthFailure(ip);
      return undefined;
    }
    const hit = await this.limiter.consumeActor(actor);
    return hit && this.refusal(hit);
  }

  private refusal(hit: RateLimitHit): GraphQLError {
    const l = this.config.limits;
    const windowSeconds = Math.round(l.rateLimitWindowMs / 1000);
    const retry = `retry after ${hit.retryAfterSeconds} s`;
    switch (hit.scope) {
      case 'actor':
        return limitError('RATE_LIMITED', `rate limit exceeded: more than ${l.rateLimitPerActor} operations in ${windowSeconds} s for these credentials (GANTRY_RATE_LIMIT_PER_ACTOR); ${retry}`, {
          setting: 'GANTRY_RATE_LIMIT_PER_ACTOR', limit: l.rateLimitPerActor, windowSeconds, scope: hit.scope, retryAfterSeconds: hit.retryAfterSeconds,
        });
      case 'anonymous-ip':
        return limitError('RATE_LIMITED', `rate limit exceeded: more than ${l.rateLimitAnonymousPerIp} operations without credentials in ${windowSeconds} s from this IP (GANTRY_RATE_LIMIT_ANONYMOUS_PER_IP); ${retry}`, {
          setting: 'GANTRY_RATE_LIMIT_ANONYMOUS_PER_IP', limit: l.rateLimitAnonymousPerIp, windowSeconds, scope: hit.scope, retryAfterSeconds: hit.retryAfterSeconds,
        });
      case 'auth-failures-ip':
        return limitError('RATE_LIMITED', `too many failed authentications from this IP: ${l.authFailuresPerIp} in ${windowSeconds} s (GANTRY_AUTH_FAILURES_PER_IP); every request from it is refused for ${Math.round(l.authFailureBlockMs / 1000)} s (GANTRY_AUTH_FAILURE_BLOCK_MS); ${retry}`, {
          setting: 'GANTRY_AUTH_FAILURES_PER_IP', limit: l.authFailuresPerIp, windowSeconds, scope: hit.scope, retryAfterSeconds: hit.retryAfterSeconds,
        });
      default: {
        const unhandled: never = hit.scope;
        throw new Error(`unknown rate-limit scope ${String(unhandled)}`);
      }
    }
  }
}
