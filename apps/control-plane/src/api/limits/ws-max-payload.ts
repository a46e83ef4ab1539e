import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { WebSocketServer } from 'ws';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../../config/control-plane.config';

/**
 * Caps graphql-ws messages at GANTRY_MAX_REQUEST_BYTES (ws `maxPayload`; the
 * ws default is 100 MiB): a larger frame closes the socket with code 1009
 * (message too big) before it is buffered. Nest's GraphQL driver creates the
 * WebSocketServer without exposing its options, so this sets `maxPayload` on
 * it once the app started, and fails the boot if the driver's internals moved
 * (a Nest upgrade), rather than silently accepting 100 MiB messages.
 */
@Injectable()
export class WsMaxPayload implements OnApplicationBootstrap {
  constructor(
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(CONTROL_PLANE_CONFIG) private readonly config: ControlPlaneConfig,
  ) {}

  onApplicationBootstrap(): void {
    const adapter = this.moduleRef.get(GraphQLModule, { strict: false }).graphQlAdapter as unknown as { _subscriptionService?: { wss?: WebSocketServer } };
    const wss = adapter._subscriptionService?.wss;
    if (!wss?.options) throw new Error('cannot cap graphql-ws message size: the GraphQL driver no longer exposes its WebSocketServer (see ws-max-payload.ts)');
    wss.options.maxPayload = this.config.maxRequestBytes;
  }
}
