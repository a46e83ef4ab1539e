import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { OperationLimitsPlugin } from './operation-limits.plugin';
import { RequestAdmission } from './request-admission';
import { RequestRateLimiter } from './rate-limiter';
import { WsMaxPayload } from './ws-max-payload';

/**
 * Limits of the GraphQL edge on both transports: depth, cost and query length,
 * rate limits (per actor, per anonymous IP, auth failures per IP) and the
 * graphql-ws message size. HTTP body size, CORS and headers are applied to the
 * HTTP server itself (security/http-security.ts).
 */
@Module({
  imports: [AuthModule],
  providers: [RequestRateLimiter, RequestAdmission, OperationLimitsPlugin, WsMaxPayload],
})
export class ApiLimitsModule {}
