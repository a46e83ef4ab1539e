import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ControlPlaneConfig } from '../config/control-plane.config';
import { corsPolicy } from './cors-policy';
import { bodyParserErrors, queryLengthLimit } from './request-size';
import { securityHeaders } from './security-headers';

/** Path of the GraphQL endpoint (Apollo's default under Nest). */
export const GRAPHQL_PATH = '/graphql';

/**
 * Hardens the HTTP server before the routes are mounted (call it right after
 * `NestFactory.create`): trusted proxies, security headers (helmet) on every
 * response, CORS limited to the console, the JSON body limit
 * (GANTRY_MAX_REQUEST_BYTES, 413 REQUEST_TOO_LARGE) and the query text limit
 * (GANTRY_GRAPHQL_MAX_QUERY_CHARS, 413 QUERY_TOO_LONG). The GraphQL depth,
 * cost and rate limits live in api/limits (they need the parsed operation).
 */
export function applyHttpSecurity(app: NestExpressApplication, config: ControlPlaneConfig): void {
  const { httpSecurity } = config;
  if (httpSecurity.trustProxyHops > 0) app.set('trust proxy', httpSecurity.trustProxyHops);
  // The console's keycloak-js talks to the issuer (token refresh), so its origin joins connect-src.
  const issuerOrigin = config.oidcIssuer ? new URL(config.oidcIssuer).origin : undefined;
  const cspConnectSources = issuerOrigin && !httpSecurity.cspConnectSources.includes(issuerOrigin) ? [...httpSecurity.cspConnectSources, issuerOrigin] : httpSecurity.cspConnectSources;
  app.use(securityHeaders({ ...httpSecurity, cspConnectSources }));
  app.enableCors(corsPolicy(httpSecurity));
  app.useBodyParser('json', { limit: config.maxRequestBytes });
  app.use(bodyParserErrors(config.maxRequestBytes));
  app.use(GRAPHQL_PATH, queryLengthLimit(config.limits));
}
