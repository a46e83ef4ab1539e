import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { organizationPathMiddleware } from './api/organization-path.middleware';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { DevIssuer } from './auth/dev-issuer/dev-issuer';
import { OidcIssuerRef } from './auth/oidc/oidc-access-token-verifier';
import { type ControlPlaneConfig } from './config/control-plane.config';
import { createLogger } from './logging/logger';
import { PgListener } from './database/pg-listener';
import { applyHttpSecurity } from './security/http-security';
import { consoleMiddleware } from './console/console-static';
import { AgentEndpointRef, SERVER_VERSION } from './meta/meta.resolver';

/** A started control plane. */
export interface RunningControlPlane {
  app: INestApplication;
  /** Base HTTP URL, e.g. `http://127.0.0.1:4000`; GraphQL is at `${httpUrl}/graphql`. */
  httpUrl: string;
  /** `host:port` of the gRPC AgentService. */
  grpcAddress: string;
  /**
   * The OIDC issuer whose access tokens the API trusts: GANTRY_OIDC_ISSUER, or
   * the built-in development issuer's `${httpUrl}/realms/gantry` when unset.
   */
  oidcIssuer: string;
  /** The built-in development issuer, served when GANTRY_OIDC_ISSUER is unset (never in production). */
  devIssuer?: DevIssuer;
  logger: Logger;
  /** Graceful stop: refuses new work, lets in-flight streams finish up to the grace period. */
  close(): Promise<void>;
}

/** Routes Nest's own log lines into pino. */
function nestLogger(logger: Logger): LoggerService {
  const l = logger.child({ module: 'nest' });
  return {
    log: (m: unknown) => l.debug(String(m)),
    error: (m: unknown, trace?: unknown) => l.error({ trace }, String(m)),
    warn: (m: unknown) => l.warn(String(m)),
    debug: (m: unknown) => l.trace(String(m)),
    verbose: (m: unknown) => l.trace(String(m)),
  };
}

/** Hooks feature modules register to start and stop non-HTTP servers (gRPC). */
export interface ServerHooks {
  /** Starts the gRPC server; resolves to its bound port. */
  startGrpc?: (app: INestApplication) => Promise<number>;
}

/**
 * Boots the NestJS app (GraphQL over HTTP and graphql-ws, health) and the gRPC
 * AgentService on the configured ports. Without GANTRY_OIDC_ISSUER it also
 * serves the built-in development OIDC issuer under `/realms/gantry`.
 * Errors: rejects when a port is taken, the database cannot be reached for
 * LISTEN, or the development issuer is needed with NODE_ENV=production
 * (DevIssuerInProductionError).
 */
export async function startControlPlane(config: ControlPlaneConfig, options: { logger?: Logger } = {}): Promise<RunningControlPlane> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const devIssuer = config.oidcIssuer ? undefined : await DevIssuer.create({ nodeEnv: config.nodeEnv, audience: config.oidcAudience, logger });
  const { featureModules, startGrpc } = await import('./features');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger, featureModules), {
    logger: nestLogger(logger),
    bodyParser: true,
  });
  let httpPort: number;
  let grpcPort: number;
  try {
    // The development issuer answers first: its sign-in pages and keycloak-js's iframe probes set their own headers.
    if (devIssuer) app.use(devIssuer.middleware);
    applyHttpSecurity(app, config);
    app.use(organizationPathMiddleware);
    const issuerRef = app.get(OidcIssuerRef);
    app.use(consoleMiddleware({ dir: config.consoleDir, issuer: () => issuerRef.current, clientId: config.consoleClientId, version: SERVER_VERSION }));
    await app.get(PgListener).start();
    await app.listen(config.httpPort, config.bindHost);
    httpPort = (app.getHttpServer().address() as AddressInfo).port;
    grpcPort = await startGrpc(app);
  } catch (error) {
    // A half-started app keeps sockets and pools open; release them before failing.
    await app.close().catch(() => undefined);
    throw error;
  }
  const httpUrl = `http://${config.bindHost}:${httpPort}`;
  const grpcAddress = `${config.bindHost}:${grpcPort}`;
  devIssuer?.setBaseUrl(httpUrl);
  app.get(AgentEndpointRef).current = grpcAddress;
  const oidcIssuer = config.oidcIssuer ?? devIssuer?.issuer ?? '';
  app.get(OidcIssuerRef).current = oidcIssuer;
  logger.info({ httpUrl, grpcAddress, oidcIssuer, devIssuer: devIssuer !== undefined }, 'control plane started');
  return {
    app,
    httpUrl,
    grpcAddress,
    oidcIssuer,
    devIssuer,
    logger,
    close: async () => {
      await app.close();
    },
  };
}
