import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config/control-plane.config';
import { CHANNELS, PgListener } from '../database/pg-listener';
import { LOGGER } from '../logging/logger';
import { SessionRegistry, type SessionHandle } from '../agents/session-registry';
import { isUuid } from '../agents/uuid';
import { DispatchRepository, type ClaimedRunRow } from './dispatch.repository';
import { toRunAssignment } from './run-assignment';
import { contextFromTraceparent, gantryTracer, traceparentOf } from '@gantry/telemetry';

/** Most runs one backlog claim takes at once; a session with more free slots claims again. */
export const MAX_CLAIM_BATCH = 100;

/**
 * Period of the reconciliation sweep, ms. Dispatch is pushed by NOTIFY; this
 * slow sweep only recovers runs whose notification was lost (the LISTEN
 * connection drops notifications while it reconnects).
 */
export const DISPATCH_RECONCILE_INTERVAL_MS = 30_000;

/** Second looks at a queued run no local session could take at once: count, and first delay (doubling), ms. */
const NOTIFY_RETRIES = 3;
const NOTIFY_RETRY_MS = 100;

/**
 * Hands queued runs to agent sessions of this replica, pushed, never polled:
 * `NOTIFY gantry_run_queued {runId, deploymentId, orgId, queue}` (sent by the launch
 * transaction at commit) picks a local session serving that deployment and
 * queue with a free slot, round-robin, and claims the run in one statement; a session that
 * connects or announces slots claims the oldest queued runs of its
 * deployments. Several replicas may hear the same notification: the
 * `status = 'QUEUED'` guard lets exactly one claim win.
 * Also forwards `NOTIFY gantry_run_cancel {runId, agentId}` to the agent's session.
 */
@Injectable()
export class DispatchService implements OnModuleInit {
  private readonly log: Logger;
  private readonly unsubscribe: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  /** Sessions with a fill (claimOldest) in flight, and those a queued run missed meanwhile. */
  private readonly filling = new Set<SessionHandle>();
  private readonly refill = new Set<SessionHandle>();
  private stopped = false;

  constructor(
    @Inject(CONTROL_PLANE_CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(PgListener) private readonly listener: PgListener,
    @Inject(SessionRegistry) private readonly registry: SessionRegistry,
    @Inject(DispatchRepository) private readonly repo: DispatchRepository,
  ) {
    this.log = logger.child({ module: 'dispatch' });
  }

  onModuleInit(): void {
    this.unsubscribe.push(
      this.listener.on(CHANNELS.runQueued, (payload) => this.onRunQueued(payload)),
      this.listener.on(CHANNELS.runCancel, (payload) => this.onRunCancel(payload)),
    );
    this.timer = setInterval(() => this.reconcile(), DISPATCH_RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops dispatching (shutdown): no new claims start; in-flight claims still deliver. */
  stop(): void {
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.timer) clearInterval(this.timer);
  }

  private onRunQueued(payload: string): void {
    const msg = parsePayload(payload);
    const runId = msg?.['runId'];
    const deploymentId = msg?.['deploymentId'];
    const orgId = msg?.['orgId'];
    // Notifications from before queues existed carry none: the default queue.
    const queue = typeof msg?.['queue'] === 'string' ? msg['queue'] : 'default';
    if (!isUuid(runId) || !isUuid(deploymentId) || !isUuid(orgId)) {
      this.log.warn({ payload }, `ignored a malformed ${CHANNELS.runQueued} notification`);
      return;
    }
    this.dispatchRun(runId, deploymentId, orgId, queue).catch((error: unknown) => this.log.error({ err: error, runId }, 'dispatch of a queued run failed; it stays queued'));
  }

  private onRunCancel(payload: string): void {
    const msg = parsePayload(payload);
    const runId = msg?.['runId'];
    const agentId = msg?.['agentId'];
    if (!isUuid(runId) || !isUuid(agentId)) {
      this.log.warn({ payload }, `ignored a malformed ${CHANNELS.runCancel} notification`);
      return;
    }
    const session = this.registry.get(agentId);
    if (session?.sendCancel(runId)) this.log.debug({ runId, agentId }, 'cancel forwarded to the agent');
  }

  /**
   * Offers one newly queued run to a local session. Resolves when it was
   * delivered, taken by someone else, or no local session can take it.
   */
  async dispatchRun(runId: string, deploymentId: string, orgId: string, queue = 'default', attempt = 0): Promise<void> {
    if (this.stopped) return;
    const session = this.registry.pick(deploymentId, orgId, queue);
    if (!session || session.reserveSlots(1) === 0) {
      // Slots may be reserved by an in-flight fill whose snapshot predates this
      // run: have those fills look again instead of waiting for reconciliation.
      for (const filling of this.filling) this.refill.add(filling);
      // A session may also be between its Welcome and its first fill; look again
      // shortly (the claim's QUEUED guard makes a late second look harmless).
      if (attempt < NOTIFY_RETRIES && this.registry.all().length > 0) {
        setTimeout(() => {
          this.dispatchRun(runId, deploymentId, orgId, queue, attempt + 1).catch((error: unknown) => this.log.warn({ err: error, runId }, 'retried dispatch failed; the run stays queued'));
        }, NOTIFY_RETRY_MS * 2 ** attempt).unref();
      }
      return;
    }
    let row: ClaimedRunRow | undefined;
    try {
      row = await this.repo.claimRun(runId, session, this.config.leaseTtlMs);
    } catch (error) {
      session.releaseSlots(1);
      throw error;
    }
    if (!row) {
      session.releaseSlots(1);
      return;
    }
    this.deliver(session, row);
  }

  /** Fills the free slots of a session with the oldest queued runs of its deployments (on connect, on SlotsAvailable). */
  async fillSlots(session: SessionHandle): Promise<void> {
    if (this.stopped) return;
    const reserved = session.reserveSlots(MAX_CLAIM_BATCH);
    if (reserved === 0) return;
    let rows: ClaimedRunRow[];
    this.filling.add(session);
    try {
      rows = await this.repo.claimOldest(reserved, session, this.config.leaseTtlMs);
    } catch (error) {
      session.releaseSlots(reserved);
      throw error;
    } finally {
      this.filling.delete(session);
    }
    session.releaseSlots(reserved - rows.length);
    for (const row of rows) this.deliver(session, row);
    const again = this.refill.delete(session);
    if (rows.length === MAX_CLAIM_BATCH || (again && session.availableSlots() > 0)) await this.fillSlots(session);
  }

  private deliver(session: SessionHandle, row: ClaimedRunRow): void {
    // The dispatch hop of the run's trace: a child of the launch span; the agent continues from it.
    const span = gantryTracer().startSpan(
      'control_plane.dispatch_run',
      { attributes: { 'gantry.run_id': row.id, 'gantry.agent_id': session.agentId, 'gantry.deployment': row.deployment_name } },
      contextFromTraceparent(row.traceparent),
    );
    const assignment = { ...toRunAssignment(row), traceparent: traceparentOf(span) ?? row.traceparent ?? '' };
    const delivered = session.deliverAssignment(assignment);
    span.end();
    if (delivered) {
      this.log.debug({ runId: row.id, agentId: session.agentId }, 'run assigned');
      return;
    }
    // The stream closed between claim and send: the agent never saw the run, so it may go to another agent.
    this.repo
      .requeue(session.orgId, row.id, session.agentId)
      .catch((error: unknown) => this.log.error({ err: error, runId: row.id }, 'could not requeue an undeliverable run; its lease will expire'));
  }

  private reconcile(): void {
    for (const session of this.registry.all()) {
      if (!session.isReady() || session.availableSlots() === 0) continue;
      this.fillSlots(session).catch((error: unknown) => this.log.warn({ err: error, agentId: session.agentId }, 'reconciliation claim failed'));
    }
  }

}

function parsePayload(payload: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
