import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { type ControlPlaneConfig } from './config/control-plane.config';
import { createLogger } from './logging/logger';
import { PgListener } from './database/pg-listener';
import { applyHttpSecurity } from './security/http-security';

/** A started control plane. */
export interface RunningControlPlane {
  app: INestApplication;
  /** Base HTTP URL, e.g. `http://127.0.0.1:4000`; GraphQL is at `${httpUrl}/graphql`. */
  httpUrl: string;
  /** `host:port` of the gRPC AgentService. */
  grpcAddress: string;
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
 * AgentService on the configured ports. Errors: rejects when a port is taken or
 * the database cannot be reached for LISTEN.
 */
export async function startControlPlane(config: ControlPlaneConfig, options: { logger?: Logger } = {}): Promise<RunningControlPlane> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const { featureModules, startGrpc } = await import('./features');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger, featureModules), {
    logger: nestLogger(logger),
    bodyParser: true,
  });
  let httpPort: number;
  let grpcPort: number;
  try {
    applyHttpSecurity(app, config);
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
  logger.info({ httpUrl, grpcAddress }, 'control plane started');
  return {
    app,
    httpUrl,
    grpcAddress,
    logger,
    close: async () => {
      await app.close();
    },
  };
}
