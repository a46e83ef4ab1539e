import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import {
  loadAgentProto,
  type AgentMessage,
  type AgentServiceClient,
  type CodeLocationDefinition,
  type ControlMessage__Output,
  type RunAssignment__Output,
} from '@gantry/proto';
import { Backoff } from './backoff';

/** Raised when the control plane refuses the agent for good (bad token, permission); the agent stops reconnecting. */
export class AgentFatalError extends Error {
  readonly code = 'AGENT_FATAL';
  constructor(
    message: string,
    readonly grpcCode: grpc.status,
  ) {
    super(message);
  }
}

/** The `Welcome` the control plane sent on the current stream. */
export interface SessionWelcome {
  agentId: string;
  organizationId: string;
  leaseTtlMs: number;
  heartbeatIntervalMs: number;
}

/** Callbacks of {@link SessionClient}; all synchronous. */
export interface SessionHandlers {
  /** A stream is open and welcomed. */
  onWelcome(welcome: SessionWelcome): void;
  onAssignment(assignment: RunAssignment__Output): void;
  onAcks(acks: { runId: string; upToSeq: number }[]): void;
  onCancel(runId: string): void;
  onLeaseRevoked(runId: string, reason: string): void;
  /** The stream closed; a reconnect is scheduled unless the client was closed. */
  onDisconnected(reason: string): void;
  /** The control plane refused the agent; no reconnect follows. */
  onFatal(error: AgentFatalError): void;
}

/** Options of {@link SessionClient}. */
export interface SessionClientOptions {
  /** `host:port` of the control plane's gRPC endpoint. */
  address: string;
  /** TLS (`caPem`: the CA to trust, else the system roots); undefined: plaintext. */
  tls?: { caPem?: Buffer };
  /** Agent token (secret; never logged). */
  token: string;
  logger: Logger;
  /** Code locations reported before each Session. */
  locations: () => CodeLocationDefinition[];
  /** The Hello to send on each new stream. */
  hello: () => NonNullable<AgentMessage['hello']>;
  /** Longest wait for Welcome after Hello, ms (default 15000). */
  welcomeTimeoutMs?: number;
  backoff?: Backoff;
}

const FATAL_CODES = new Set([grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED]);

/**
 * The agent's side of `AgentService`: reports code locations, opens the
 * `Session` stream with `authorization: Bearer <token>`, sends Hello, waits
 * for Welcome, dispatches control messages, and on any loss of the stream
 * reconnects with exponential backoff and jitter (first retry after
 * ~100–200 ms, at most ~5 s). UNAUTHENTICATED or PERMISSION_DENIED end the
 * loop with an {@link AgentFatalError} instead of retrying.
 */
export class SessionClient {
  private readonly client: AgentServiceClient;
  private readonly backoff: Backoff;
  private call: grpc.ClientDuplexStream<AgentMessage, ControlMessage__Output> | undefined;
  private welcomed = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attemptSeq = 0;
  private firstOutcome: ((outcome: Error | undefined) => void) | undefined;

  constructor(
    private readonly options: SessionClientOptions,
    private readonly handlers: SessionHandlers,
  ) {
    const proto = loadAgentProto();
    const credentials = options.tls ? grpc.credentials.createSsl(options.tls.caPem ?? null) : grpc.credentials.createInsecure();
    this.client = new proto.gantry.agent.v1.AgentService(options.address, credentials, {
      'grpc.keepalive_time_ms': 20_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 64 * 1024 * 1024,
    }) as unknown as AgentServiceClient;
    this.backoff = options.backoff ?? new Backoff({ initialMs: 100, maxMs: 5000 });
  }

  /** True while a welcomed stream is open. */
  get isConnected(): boolean {
    return this.welcomed && this.call !== undefined;
  }

  /**
   * Starts the connect loop. Resolves after the first attempt: with nothing
   * when it connected or failed in a retryable way (retries go on in the
   * background); rejects with AgentFatalError when the token was refused.
   */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.firstOutcome = (error) => (error ? reject(error) : resolve());
      this.connect();
    });
  }

  /** Writes one message on the open stream; false when there is none. */
  send(message: AgentMessage): boolean {
    if (!this.call || !this.welcomed) return false;
    this.call.write(message);
    return true;
  }

  /** Ends the stream politely and stops reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const call = this.call;
    this.call = undefined;
    this.welcomed = false;
    if (call) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        call.once('status', () => {
          clearTimeout(t);
          resolve();
        });
        call.end();
      });
      call.cancel();
    }
    this.client.close();
  }

  /** Drops the connection at once, no goodbye (tests: agent crash). */
  destroy(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.call?.cancel();
    this.call = undefined;
    this.client.close();
  }

  private metadata(): grpc.Metadata {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${this.options.token}`);
    return md;
  }

  private settleFirst(error?: Error): void {
    const f = this.firstOutcome;
    this.firstOutcome = undefined;
    f?.(error);
  }

  private connect(): void {
    if (this.closed) return;
    const attempt = ++this.attemptSeq;
    const log = this.options.logger;
    const locations = this.options.locations();
    this.client.ReportCodeLocations({ locations }, this.metadata(), { deadline: Date.now() + 30_000 }, (error, response) => {
      if (this.closed || attempt !== this.attemptSeq) return;
      if (error) {
        if (FATAL_CODES.has(error.code)) return this.fatal(error);
        if (error.code === grpc.status.INVALID_ARGUMENT) {
          log.error({ code: error.code, details: error.details }, 'the control plane refused the code locations; continuing without them');
        } else {
          this.retry(`ReportCodeLocations failed: ${grpc.status[error.code] ?? error.code} ${error.details}`);
          return;
        }
      } else {
        log.info({ results: response?.results }, 'code locations reported');
      }
      this.openSession(attempt);
    });
  }

  private openSession(attempt: number): void {
    const log = this.options.logger;
    const call = this.client.Session(this.metadata());
    this.call = call;
    this.welcomed = false;
    const welcomeTimer = setTimeout(() => {
      if (!this.welcomed && this.call === call) {
        log.warn('no Welcome from the control plane in time; reconnecting');
        call.cancel();
      }
    }, this.options.welcomeTimeoutMs ?? 15_000);
    call.on('data', (msg: ControlMessage__Output) => {
      if (this.call !== call) return;
      this.dispatch(msg);
    });
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => {
      clearTimeout(welcomeTimer);
      if (this.call !== call) return;
      this.call = undefined;
      const wasWelcomed = this.welcomed;
      this.welcomed = false;
      if (this.closed || attempt !== this.attemptSeq) return;
      if (FATAL_CODES.has(status.code)) return this.fatal({ code: status.code, details: status.details });
      const reason = `session stream closed: ${grpc.status[status.code] ?? status.code}${status.details ? ` ${status.details}` : ''}`;
      if (wasWelcomed) this.handlers.onDisconnected(reason);
      this.retry(reason);
    });
    call.write({ hello: this.options.hello() });
  }

  private dispatch(msg: ControlMessage__Output): void {
    switch (msg.body) {
      case 'welcome': {
        const w = msg.welcome!;
        this.welcomed = true;
        this.backoff.reset();
        this.options.logger.info({ agentId: w.agentId, leaseTtlMs: w.leaseTtlMs, heartbeatIntervalMs: w.heartbeatIntervalMs }, 'session welcomed');
        this.handlers.onWelcome({ agentId: w.agentId, organizationId: w.organizationId, leaseTtlMs: w.leaseTtlMs, heartbeatIntervalMs: w.heartbeatIntervalMs });
        this.settleFirst();
        return;
      }
      case 'assignment':
        this.handlers.onAssignment(msg.assignment!);
        return;
      case 'acks':
        this.handlers.onAcks(msg.acks!.acks.map((a) => ({ runId: a.runId, upToSeq: a.upToSeq })));
        return;
      case 'cancel':
        this.handlers.onCancel(msg.cancel!.runId);
        return;
      case 'leaseRevoked':
        this.handlers.onLeaseRevoked(msg.leaseRevoked!.runId, msg.leaseRevoked!.reason);
        return;
      case undefined:
        return;
    }
  }

  private retry(reason: string): void {
    const delay = this.backoff.next();
    this.options.logger.warn({ reason, retryInMs: delay }, 'control plane connection failed; retrying');
    this.settleFirst();
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private fatal(error: { code: grpc.status; details?: string }): void {
    const err = new AgentFatalError(
      `the control plane refused this agent (${grpc.status[error.code]}): ${error.details || 'no detail'}; check GANTRY_AGENT_TOKEN and its permissions`,
      error.code,
    );
    this.closed = true;
    this.call?.cancel();
    this.call = undefined;
    this.options.logger.fatal({ code: grpc.status[error.code] }, err.message);
    this.handlers.onFatal(err);
    this.settleFirst(err);
  }
}
