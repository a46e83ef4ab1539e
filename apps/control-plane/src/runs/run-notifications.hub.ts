import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { CHANNELS, PgListener } from '../database/pg-listener';
import { LOGGER } from '../logging/logger';

/**
 * Fans `gantry_run_events` notifications (`{"runId"}`, sent when a run's
 * events or status were committed) out to the live streams watching that
 * run: one LISTEN handler for the process, a map lookup per notification.
 */
@Injectable()
export class RunNotificationsHub implements OnModuleInit, OnModuleDestroy {
  private readonly watchers = new Map<string, Set<() => void>>();
  private unlisten: (() => void) | undefined;
  private readonly log: Logger;

  constructor(
    @Inject(PgListener) private readonly listener: PgListener,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'run-notifications' });
  }

  onModuleInit(): void {
    this.unlisten = this.listener.on(CHANNELS.runEvents, (payload) => this.dispatch(payload));
  }

  onModuleDestroy(): void {
    this.unlisten?.();
    this.watchers.clear();
  }

  /** Calls `onChange` on every notification for `runId` until the returned function is called. */
  watch(runId: string, onChange: () => void): () => void {
    let set = this.watchers.get(runId);
    if (!set) this.watchers.set(runId, (set = new Set()));
    const entry = (): void => onChange();
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.watchers.get(runId) === set) this.watchers.delete(runId);
    };
  }

  /** Number of live watchers (all runs); 0 once every stream ended. For tests and metrics. */
  get watcherCount(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  private dispatch(payload: string): void {
    let runId: unknown;
    try {
      runId = (JSON.parse(payload) as { runId?: unknown }).runId;
    } catch {
      this.log.warn({ payload: payload.slice(0, 200) }, 'ignoring a malformed run notification');
      return;
    }
    if (typeof runId !== 'string') return;
    for (const watcher of this.watchers.get(runId) ?? []) watcher();
  }
}
