import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Inject, Injectable, type INestApplication, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { type AgentServiceHandlers, loadAgentProto } from '@gantry/proto';
import { AuditLog } from '../audit/audit-log.service';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config/control-plane.config';
import { LOGGER } from '../logging/logger';
import { CodeLocationsService } from '../code-locations/code-locations.service';
import { DispatchService } from '../dispatch/dispatch.service';
import { EventIngestService } from '../ingest/event-ingest.service';
import { LeaseReaper } from '../leases/lease-reaper';
import { LeaseService } from '../leases/lease.service';
import { AgentAuthenticator } from './agent-auth';
import { ControlPlaneShuttingDownError, toGrpcStatus } from './agent-errors';
import { AgentSession, type SessionServices } from './agent-session';
import { AgentsRepository } from './agents.repository';
import { SessionRegistry } from './session-registry';

/** Largest accepted message (an event batch), bytes. */
export const MAX_RECEIVE_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Server options: larger messages, and keepalive pings that find dead agent connections. */
const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
};

/**
 * The gRPC AgentService (`gantry.agent.v1`): edges that authenticate, then
 * delegate (ReportCodeLocations → CodeLocationsService, Session →
 * AgentSession). Every error leaves through `toGrpcStatus`. Plaintext for now
 * (TLS terminates in front of it until the config grows TLS settings).
 *
 * Shutdown (`app.close()`): stops dispatch and the reaper, refuses new calls
 * (`tryShutdown`), drains every session (batches in flight are committed and
 * acked, then the stream ends with UNAVAILABLE so the agent reconnects to
 * another replica), all bounded by `shutdownGraceMs`, then `forceShutdown`.
 * This runs in `onModuleDestroy`, which Nest calls for this module before the
 * database module closes its pools; `onApplicationShutdown` makes sure the
 * server is down in any case.
 */
@Injectable()
export class AgentGrpcServer implements OnModuleDestroy, OnApplicationShutdown {
  private server: grpc.Server | undefined;
  private closing = false;
  private stopping: Promise<void> | undefined;
  private readonly sessions = new Set<AgentSession>();
  private readonly log: Logger;
  private readonly services: SessionServices;

  constructor(
    @Inject(CONTROL_PLANE_CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(AgentAuthenticator) private readonly auth: AgentAuthenticator,
    @Inject(CodeLocationsService) private readonly codeLocations: CodeLocationsService,
    @Inject(DispatchService) private readonly dispatch: DispatchService,
    @Inject(LeaseReaper) private readonly reaper: LeaseReaper,
    @Inject(LeaseService) leases: LeaseService,
    @Inject(EventIngestService) ingest: EventIngestService,
    @Inject(AgentsRepository) agents: AgentsRepository,
    @Inject(SessionRegistry) registry: SessionRegistry,
    @Inject(AuditLog) audit: AuditLog,
  ) {
    this.log = logger.child({ module: 'agent-grpc' });
    this.services = { config, log: logger.child({ module: 'agent-session' }), agents, registry, dispatch, leases, ingest, audit };
  }

  /** Binds `bindHost:grpcPort` (0 picks a free port) and serves; resolves to the bound port. */
  async start(): Promise<number> {
    if (this.server) throw new Error('the agent gRPC server is already started');
    const server = new grpc.Server(SERVER_OPTIONS);
    server.addService(loadAgentProto().gantry.agent.v1.AgentService.service, this.handlers());
    const host = this.config.bindHost.includes(':') ? `[${this.config.bindHost}]` : this.config.bindHost;
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${this.config.grpcPort}`, serverCredentials(this.config), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    this.server = server;
    this.log.info({ port }, 'agent gRPC server listening');
    return port;
  }

  private handlers(): AgentServiceHandlers {
    return {
      ReportCodeLocations: (call, callback) => {
        void (async () => {
          try {
            const principal = await this.auth.authenticate(call.metadata);
            callback(null, await this.codeLocations.report(principal, call.request));
          } catch (error) {
            callback(toGrpcStatus(error, this.log, { rpc: 'ReportCodeLocations' }));
          }
        })();
      },
      Session: (call) => {
        if (this.closing) {
          call.emit('error', toGrpcStatus(new ControlPlaneShuttingDownError(), this.log));
          return;
        }
        this.auth.authenticate(call.metadata).then(
          (principal) => {
            if (this.closing) {
              call.emit('error', toGrpcStatus(new ControlPlaneShuttingDownError(), this.log));
              return;
            }
            const session = new AgentSession(call, principal, this.services);
            this.sessions.add(session);
            void session.closed.then(() => this.sessions.delete(session));
            session.start();
          },
          (error: unknown) => call.emit('error', toGrpcStatus(error, this.log, { rpc: 'Session' })),
        );
      },
    };
  }

  /** Graceful stop, bounded by `shutdownGraceMs`; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
    this.server?.forceShutdown();
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.dispatch.stop();
    await this.reaper.stop();
    const server = this.server;
    if (!server) return;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.config.shutdownGraceMs)));
    const serverStopped = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    const drained = Promise.all([...this.sessions].map((s) => s.drain()));
    const outcome = await Promise.race([Promise.all([drained, serverStopped]).then(() => 'graceful' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.log.warn({ graceMs: this.config.shutdownGraceMs, sessions: this.sessions.size }, 'shutdown grace period over; forcing the gRPC server down');
      server.forceShutdown();
      // Forced streams close at once; give their agents' rows a moment to be marked disconnected.
      await Promise.race([Promise.all([...this.sessions].map((s) => s.closed)), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    this.log.info({ ms: Date.now() - started, outcome }, 'agent gRPC server stopped');
  }
}

/** Starts the gRPC AgentService of a created Nest app; returns the bound port. */
export async function startAgentGrpcServer(app: INestApplication): Promise<number> {
  return app.get(AgentGrpcServer).start();
}

/** TLS credentials from the configured PEM files, else plaintext. Errors: the file read's (at boot). */
function serverCredentials(config: ControlPlaneConfig): grpc.ServerCredentials {
  if (!config.grpcTls) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(config.grpcTls.certFile), private_key: readFileSync(config.grpcTls.keyFile) }], false);
}
