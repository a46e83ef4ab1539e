import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config/control-plane.config';
import { LOGGER } from '../logging/logger';
import { SessionRegistry } from '../agents/session-registry';
import { LeasesRepository, type ExpiredLease } from './leases.repository';

/** Reaper period for a lease duration: min(1000, ttl / 4) ms, at least 50 ms. */
export function reaperIntervalMs(leaseTtlMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(leaseTtlMs / 4)));
}

/**
 * Fails runs whose lease expired (the agent stopped heartbeating): every
 * {@link reaperIntervalMs} it runs one statement that marks them FAILURE and
 * notifies `gantry_run_events`, then sends LeaseRevoked to the agent when its
 * session lives on this replica (an agent on another replica learns it at its
 * next heartbeat). A run is therefore failed at most ttl + interval after its
 * last renewal. Every replica runs a reaper; the statement is idempotent.
 */
@Injectable()
export class LeaseReaper implements OnApplicationBootstrap, OnModuleDestroy {
  readonly intervalMs: number;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(CONTROL_PLANE_CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(LeasesRepository) private readonly repo: LeasesRepository,
    @Inject(SessionRegistry) private readonly registry: SessionRegistry,
  ) {
    this.log = logger.child({ module: 'lease-reaper' });
    this.intervalMs = reaperIntervalMs(config.leaseTtlMs);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      // Never overlap ticks: a slow database just delays the next one.
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a tick in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** One pass: fails expired runs and revokes their leases on local sessions. Never throws. */
  async tick(): Promise<ExpiredLease[]> {
    let expired: ExpiredLease[];
    try {
      expired = await this.repo.reapExpired(this.config.leaseTtlMs);
    } catch (error) {
      this.log.warn({ err: error }, 'lease reaper pass failed; retrying next tick');
      return [];
    }
    for (const e of expired) {
      this.log.warn({ runId: e.runId, agentId: e.agentId }, e.reason);
      this.registry.get(e.agentId)?.revokeLease(e.runId, e.reason);
    }
    return expired;
  }
}
