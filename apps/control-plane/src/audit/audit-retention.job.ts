import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logger';
import { systemActor } from './audit-actor';
import { AuditLog } from './audit-log.service';
import { AuditRepository } from './audit.repository';

/** How often retention runs, ms (hourly; retention is counted in days). */
export const AUDIT_RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** Delay of the first run after start, ms. */
export const AUDIT_RETENTION_FIRST_RUN_MS = 60 * 1000;

/**
 * Periodic audit retention: deletes each organization's events older than its
 * `organizations.audit_retention_days` through the SECURITY DEFINER function
 * `gantry_audit_apply_retention` (the service's role cannot delete audit
 * events), which always keeps an organization's newest event so its chain
 * continues. Each organization that lost events gets an `audit.retention`
 * event (actor system, `metadata.deleted`). Verification still passes
 * afterwards: the oldest remaining event's prev_hash is the anchor.
 * Replicas may run it concurrently: deletes of the same rows are idempotent.
 */
@Injectable()
export class AuditRetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly log: Logger;

  constructor(
    @Inject(AuditRepository) private readonly repo: AuditRepository,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'audit-retention' });
  }

  onApplicationBootstrap(): void {
    this.schedule(AUDIT_RETENTION_FIRST_RUN_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Stops the schedule and waits for a run in flight; {@link runOnce} still works. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Applies retention once (to one organization when given, else to all) and
   * records `audit.retention` where events were deleted. Returns the number
   * deleted per organization id. Errors: database errors.
   */
  async runOnce(orgId?: string): Promise<Map<string, number>> {
    const deleted = await this.repo.applyRetention(orgId);
    for (const [org, count] of deleted) {
      await this.audit.record({ orgId: org, actor: systemActor('audit retention'), action: 'audit.retention', target: { type: 'audit_log', id: org }, metadata: { deleted: count } });
      this.log.info({ orgId: org, deleted: count }, 'audit retention deleted old events');
    }
    return deleted;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const run = this.runOnce().catch((err: unknown) => this.log.error({ err }, 'audit retention failed'));
      this.running = run;
      void run.finally(() => this.schedule(AUDIT_RETENTION_INTERVAL_MS));
    }, ms);
    this.timer.unref();
  }
}
