import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { AgentMessage__Output, ControlMessage, Hello__Output, RunAssignment, WireRunEvent__Output } from '@gantry/proto';
import { originOfGrpcPeer } from '../audit/audit-actor';
import type { AuditLog } from '../audit/audit-log.service';
import type { ControlPlaneConfig } from '../config/control-plane.config';
import type { DispatchService } from '../dispatch/dispatch.service';
import type { EventIngestService } from '../ingest/event-ingest.service';
import { LEASE_LOST_REASON, type LeaseHolder, type LeaseService } from '../leases/lease.service';
import type { AgentPrincipal } from './agent-auth';
import {
  AgentUnauthenticatedError,
  ControlPlaneShuttingDownError,
  DeploymentNotServableError,
  HelloRequiredError,
  InvalidAgentMessageError,
  SessionReplacedError,
  toGrpcStatus,
} from './agent-errors';
import type { AgentsRepository } from './agents.repository';
import type { SessionHandle, SessionRegistry } from './session-registry';
import { isUuid } from './uuid';

/** Event batches of one session processed at once; further reads wait (HTTP/2 flow control pushes back on the agent). */
export const MAX_EVENT_BATCHES_IN_FLIGHT = 4;
/** Largest free-slot count taken from an agent. */
export const MAX_FREE_SLOTS = 10_000;
/** Longest accepted agent name. */
export const MAX_AGENT_NAME_LENGTH = 200;
/** Most queues one agent may serve, and the longest queue name. */
export const MAX_QUEUES = 100;
export const MAX_QUEUE_NAME_LENGTH = 100;
/** Queue of agents and code locations that name none. */
export const DEFAULT_QUEUE = 'default';

/** The server side of a Session stream. */
export type SessionCall = grpc.ServerDuplexStream<AgentMessage__Output, ControlMessage>;

/** Services a session delegates to. */
export interface SessionServices {
  config: ControlPlaneConfig;
  log: Logger;
  agents: AgentsRepository;
  registry: SessionRegistry;
  dispatch: DispatchService;
  leases: LeaseService;
  ingest: EventIngestService;
  audit: AuditLog;
}

type State = 'awaiting-hello' | 'welcoming' | 'ready' | 'closed';

/**
 * One agent's work session (the `Session` bidi stream), from Hello to close.
 *
 * Protocol: the first message must be Hello (else INVALID_ARGUMENT). Hello
 * upserts the `agents` row (connected), resolves the deployments it serves
 * (names ∩ token scope; unknown or forbidden names are INVALID_ARGUMENT),
 * answers Welcome, renews the leases of `running_run_ids` still held by this
 * agent (LeaseRevoked for the others), registers the session for dispatch and
 * claims queued runs for its free slots. Then: SlotsAvailable (absolute)
 * resets the free slots and claims again; Heartbeat renews leases; event
 * batches are stored and acknowledged in arrival order, up to
 * {@link MAX_EVENT_BATCHES_IN_FLIGHT} at once. Any unexpected failure ends
 * the stream with INTERNAL (the agent reconnects and replays its spool).
 * On close the agent is marked disconnected; its runs keep their leases until
 * they expire, so a reconnecting agent keeps its runs.
 */
export class AgentSession implements SessionHandle {
  agentId = '';
  agentName = '';
  readonly orgId: string;
  deploymentIds: ReadonlySet<string> | null = new Set<string>();
  queues: ReadonlySet<string> = new Set<string>([DEFAULT_QUEUE]);
  /** Resolves once the session closed and its agent row was marked disconnected. */
  readonly closed: Promise<void>;

  private state: State = 'awaiting-hello';
  private draining = false;
  private connectedAt: Date | undefined;
  private announced = 0;
  private assigned = 0;
  private reserved = 0;
  private batchesInFlight = 0;
  private work: Promise<void> = Promise.resolve();
  private ackChain: Promise<void> = Promise.resolve();
  private readonly revokedForeign = new Set<string>();
  private log: Logger;
  private resolveClosed!: () => void;

  constructor(
    private readonly call: SessionCall,
    private readonly principal: AgentPrincipal,
    private readonly s: SessionServices,
  ) {
    this.orgId = principal.orgId;
    this.log = s.log.child({ orgId: principal.orgId, tokenId: principal.tokenId, peer: call.getPeer() });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Starts reading the stream. */
  start(): void {
    this.call.on('data', (msg: AgentMessage__Output) => this.onMessage(msg));
    this.call.on('end', () => this.onClientEnd());
    this.call.on('cancelled', () => this.close());
    this.call.on('error', () => this.close());
    this.call.on('close', () => this.close());
  }

  // --- SessionHandle -------------------------------------------------------

  isReady(): boolean {
    return this.state === 'ready' && !this.draining;
  }

  availableSlots(): number {
    return Math.max(0, this.announced - this.assigned - this.reserved);
  }

  reserveSlots(n: number): number {
    if (!this.isReady()) return 0;
    const k = Math.min(n, this.availableSlots());
    this.reserved += k;
    return k;
  }

  releaseSlots(n: number): void {
    this.reserved = Math.max(0, this.reserved - n);
  }

  deliverAssignment(assignment: RunAssignment): boolean {
    this.releaseSlots(1);
    if (!this.send({ assignment })) return false;
    this.assigned++;
    return true;
  }

  sendCancel(runId: string): boolean {
    return this.send({ cancel: { runId } });
  }

  revokeLease(runId: string, reason: string): boolean {
    return this.send({ leaseRevoked: { runId, reason } });
  }

  replaced(): void {
    this.fail(new SessionReplacedError(this.agentName));
  }

  // --- shutdown --------------------------------------------------------------

  /**
   * Graceful end for a stopping replica: stops reading, lets Hello and event
   * batches in flight commit and be acked, then ends the stream with
   * UNAVAILABLE (the agent reconnects elsewhere). Resolves once closed.
   */
  async drain(): Promise<void> {
    if (this.state === 'closed') return this.closed;
    this.draining = true;
    this.updateFlow();
    let work: Promise<void>;
    let acks: Promise<void>;
    do {
      work = this.work;
      acks = this.ackChain;
      await Promise.all([work, acks]);
    } while (work !== this.work || acks !== this.ackChain);
    this.fail(new ControlPlaneShuttingDownError());
    return this.closed;
  }

  // --- incoming ---------------------------------------------------------------

  private onMessage(msg: AgentMessage__Output): void {
    if (this.state === 'closed') return;
    if (this.state === 'awaiting-hello') {
      if (msg.body !== 'hello' || !msg.hello) return this.fail(new HelloRequiredError(msg.body));
      this.state = 'welcoming';
      this.updateFlow();
      this.work = this.handleHello(msg.hello).then(
        () => this.updateFlow(),
        (error: unknown) => this.fail(error),
      );
      return;
    }
    switch (msg.body) {
      case 'hello':
        return this.fail(new InvalidAgentMessageError('Hello was already received on this session'));
      case 'slots':
        return this.onSlots(msg.slots?.freeSlots ?? 0);
      case 'heartbeat':
        this.handleHeartbeat(msg.heartbeat?.runIds ?? []).catch((error: unknown) => this.fail(error));
        return;
      case 'events':
        return this.onEvents(msg.events?.events ?? []);
      case undefined:
        return this.fail(new InvalidAgentMessageError('empty AgentMessage'));
      default: {
        const unhandled: never = msg.body;
        return this.fail(new InvalidAgentMessageError(`unknown AgentMessage ${String(unhandled)}`));
      }
    }
  }

  private async handleHello(hello: Hello__Output): Promise<void> {
    const info = hello.agent;
    const name = info?.name.trim() ?? '';
    if (!info || name === '') throw new InvalidAgentMessageError('Hello.agent.name is required');
    if (name.length > MAX_AGENT_NAME_LENGTH) throw new InvalidAgentMessageError(`Hello.agent.name is longer than ${MAX_AGENT_NAME_LENGTH} characters`);
    const freeSlots = checkSlots(hello.freeSlots, 'Hello.free_slots');
    const names = [...new Set(info.deployments.map((d) => d.trim()).filter((d) => d !== ''))];
    const scope = this.principal.deploymentIds;
    const deployments = await this.s.agents.findDeployments(this.orgId, names, scope);
    const missing = names.filter((n) => !deployments.some((d) => d.name === n));
    if (missing.length > 0) throw new DeploymentNotServableError(missing);
    if (deployments.length === 0 && scope.length > 0) throw new InvalidAgentMessageError('this agent token may serve no existing deployment');
    const orgWide = names.length === 0 && scope.length === 0;
    const queues = [...new Set(info.queues.map((q) => q.trim()).filter((q) => q !== ''))].sort();
    if (queues.length === 0) queues.push(DEFAULT_QUEUE);
    if (queues.length > MAX_QUEUES || queues.some((q) => q.length > MAX_QUEUE_NAME_LENGTH)) {
      throw new InvalidAgentMessageError(`Hello.agent.queues: at most ${MAX_QUEUES} queues of at most ${MAX_QUEUE_NAME_LENGTH} characters`);
    }

    const reg = await this.s.agents.registerConnected({
      orgId: this.orgId,
      tokenId: this.principal.tokenId,
      name,
      version: info.version,
      launcher: info.launcher,
      slots: freeSlots + hello.runningRunIds.length,
      deploymentIds: deployments.map((d) => d.id),
      queues,
    });
    if (this.isClosed()) {
      await this.s.agents.markDisconnected(this.orgId, reg.id, reg.connectedAt);
      return;
    }
    this.agentId = reg.id;
    this.agentName = name;
    this.connectedAt = reg.connectedAt;
    this.deploymentIds = orgWide ? null : new Set(deployments.map((d) => d.id));
    this.queues = new Set(queues);
    this.announced = freeSlots;
    this.log = this.log.child({ agentId: reg.id, agentName: name });
    this.send({
      welcome: {
        agentId: reg.id,
        organizationId: this.orgId,
        leaseTtlMs: this.s.config.leaseTtlMs,
        heartbeatIntervalMs: this.s.config.heartbeatIntervalMs,
      },
    });
    this.log.info({ deployments: orgWide ? 'all' : deployments.map((d) => d.name), freeSlots, running: hello.runningRunIds.length, queues }, 'agent connected');
    await this.recordAudit('agent.connect', {
      after: { name, version: info.version, launcher: info.launcher, slots: freeSlots + hello.runningRunIds.length, deployments: orgWide ? 'all' : deployments.map((d) => d.name) },
      metadata: { runningRunIds: hello.runningRunIds.length },
    });

    if (hello.runningRunIds.length > 0) await this.renewLeases(hello.runningRunIds);
    if (this.isClosed()) return;
    this.state = 'ready';
    this.s.registry.add(this)?.replaced();
    this.fillSlots();
  }

  private onSlots(value: number): void {
    try {
      this.announced = checkSlots(value, 'SlotsAvailable.free_slots');
    } catch (error) {
      return this.fail(error);
    }
    this.assigned = 0;
    this.fillSlots();
  }

  private async handleHeartbeat(runIds: readonly string[]): Promise<void> {
    await this.renewLeases(runIds);
  }

  /** Renews the named runs' leases, revokes the ones not held, re-checks the token. */
  private async renewLeases(runIds: readonly string[]): Promise<void> {
    const valid = runIds.filter(isUuid);
    const outcome = await this.s.leases.renew(this.holder(), valid);
    // A rotated token's previous secret stops working when its grace period ends, even mid-session.
    const graceOver = this.principal.graceUntil !== undefined && this.principal.graceUntil.getTime() <= Date.now();
    if (!outcome.tokenValid || graceOver) throw new AgentUnauthenticatedError();
    for (const r of outcome.revoked) this.revokeLease(r.runId, r.reason);
    for (const id of runIds) if (!isUuid(id)) this.revokeLease(id, LEASE_LOST_REASON);
  }

  private onEvents(events: readonly WireRunEvent__Output[]): void {
    if (events.length === 0) return;
    this.batchesInFlight++;
    this.updateFlow();
    const stored = this.s.ingest.ingest({ agentId: this.agentId, orgId: this.orgId, log: this.log }, events);
    const previous = this.ackChain;
    // Acks go out in arrival order: a batch's acks wait for the acks of earlier batches.
    this.ackChain = (async () => {
      try {
        const outcome = await stored;
        await previous;
        if (outcome.acks.length > 0) this.send({ acks: { acks: outcome.acks } });
        for (const runId of outcome.foreign) {
          if (this.revokedForeign.has(runId)) continue;
          this.revokedForeign.add(runId);
          this.revokeLease(runId, LEASE_LOST_REASON);
        }
      } catch (error) {
        this.fail(error);
      } finally {
        this.batchesInFlight--;
        this.updateFlow();
      }
    })();
  }

  private onClientEnd(): void {
    // The agent half-closed: finish what is in flight, then end our side with OK.
    void Promise.all([this.work, this.ackChain]).then(() => {
      if (this.state === 'closed') return;
      this.close();
      if (!this.call.writableEnded) this.call.end();
    });
  }

  // --- helpers ------------------------------------------------------------------

  /** State check that TypeScript does not narrow away across awaits. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private holder(): LeaseHolder {
    return { agentId: this.agentId, orgId: this.orgId, tokenId: this.principal.tokenId };
  }

  /** Records an audit event of this session's agent (actor: the agent token, labelled with the agent's name; target: the agent). */
  private async recordAudit(action: 'agent.connect' | 'agent.disconnect', fields: { after?: unknown; metadata?: Record<string, unknown> }): Promise<void> {
    const [userAgent] = this.call.metadata.get('user-agent');
    const origin = originOfGrpcPeer(this.call.getPeer(), typeof userAgent === 'string' ? userAgent : null);
    await this.s.audit.record({
      orgId: this.orgId,
      actor: { kind: 'agent', id: this.principal.tokenId, label: this.agentName || this.principal.tokenName },
      action,
      target: { type: 'agent', id: this.agentId },
      ...fields,
      ...origin,
    });
  }

  private fillSlots(): void {
    this.s.dispatch.fillSlots(this).catch((error: unknown) => this.log.error({ err: error }, 'claiming queued runs for free slots failed'));
  }

  private send(msg: ControlMessage): boolean {
    if (this.state === 'closed' || this.call.cancelled || this.call.writableEnded || this.call.destroyed) return false;
    this.call.write(msg);
    return true;
  }

  private updateFlow(): void {
    if (this.state === 'closed') return;
    const pause = this.state === 'welcoming' || this.draining || this.batchesInFlight >= MAX_EVENT_BATCHES_IN_FLIGHT;
    if (pause && !this.call.isPaused()) this.call.pause();
    else if (!pause && this.call.isPaused()) this.call.resume();
  }

  /** Ends the stream with the status of `error` (typed → its code; else INTERNAL with a log id). */
  private fail(error: unknown): void {
    if (this.state === 'closed') return;
    const status = toGrpcStatus(error, this.log, { agentId: this.agentId || undefined });
    if (status.code !== grpc.status.INTERNAL) this.log.info({ code: status.code, details: status.details }, 'session ended by the control plane');
    this.close();
    this.call.emit('error', status);
  }

  private close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.reserved = 0;
    this.s.registry.remove(this);
    const connectedAt = this.connectedAt;
    const done = connectedAt
      ? this.s.agents.markDisconnected(this.orgId, this.agentId, connectedAt).then(
          () => this.log.info('agent disconnected'),
          (error: unknown) => this.log.warn({ err: error }, 'could not mark the agent disconnected'),
        )
      : Promise.resolve();
    const audited = connectedAt
      ? done
          .then(() => this.recordAudit('agent.disconnect', { metadata: { connectedMs: Date.now() - connectedAt.getTime() } }))
          .catch((error: unknown) => this.log.error({ err: error }, 'could not record the disconnect in the audit log'))
      : done;
    void audited.then(() => this.resolveClosed());
  }
}

function checkSlots(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0) throw new InvalidAgentMessageError(`${field} must be an integer >= 0, got ${value}`);
  return Math.min(value, MAX_FREE_SLOTS);
}
