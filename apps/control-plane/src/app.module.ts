import path from 'node:path';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Logger } from 'pino';
import { GraphqlWsGate } from './api/limits/graphql-ws-gate';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from './config/control-plane.config';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { LOGGER } from './logging/logger';
import { AgentEndpointRef, MetaResolver } from './meta/meta.resolver';

/**
 * The committed schema file. The app builds its schema in memory; the drift
 * test (api.spec.ts) compares it with this file (`UPDATE_SCHEMA=1 npm test --
 * api.spec` rewrites it).
 */
export const SCHEMA_FILE = path.resolve(import.meta.dirname, '../schema.graphql');

/** Root module; `forRoot` binds the validated config and logger. */
@Module({})
export class AppModule {
  static forRoot(config: ControlPlaneConfig, logger: Logger, feature: DynamicModule['imports'] = []): DynamicModule {
    // Depth, cost, length and rate limits of graphql-ws operations (api/limits); HTTP gets them from a plugin.
    const wsGate = new GraphqlWsGate(config.limits, config.httpSecurity.trustProxyHops);
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule,
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          sortSchema: true,
          subscriptions: { 'graphql-ws': wsGate.serverOptions() },
          playground: false,
          introspection: true,
          context: ({ req, extra, connectionParams }: { req?: unknown; extra?: unknown; connectionParams?: unknown }) => ({ req, extra, connectionParams }),
        }),
        ...(feature ?? []),
      ],
      controllers: [HealthController],
      providers: [
        { provide: CONTROL_PLANE_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: GraphqlWsGate, useValue: wsGate },
        AgentEndpointRef,
        MetaResolver,
      ],
      exports: [CONTROL_PLANE_CONFIG, LOGGER, GraphqlWsGate, AgentEndpointRef],
    };
  }
}
