import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import pg from 'pg';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config/control-plane.config';
import { LOGGER } from '../logging/logger';

/** PostgreSQL NOTIFY channels used by the control plane. Payloads are JSON. */
export const CHANNELS = {
  /** A run was committed as QUEUED. Payload: { runId, deploymentId }. */
  runQueued: 'gantry_run_queued',
  /** Cancel requested for a run held by an agent. Payload: { runId, agentId }. */
  runCancel: 'gantry_run_cancel',
  /** New events or a status change of a run were committed. Payload: { runId }. */
  runEvents: 'gantry_run_events',
} as const;
export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

type Handler = (payload: string) => void;

/**
 * One dedicated connection LISTENing on every channel, fanning notifications
 * out to in-process handlers. Reconnects (and re-LISTENs) when the connection
 * drops; notifications sent while disconnected are lost, so consumers also
 * reconcile from the database when they (re)start.
 */
@Injectable()
export class PgListener implements OnModuleDestroy {
  private client: pg.Client | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  private closed = false;
  private connecting: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(
    @Inject(CONTROL_PLANE_CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'pg-listener' });
  }

  /** Connects and LISTENs on all channels; resolves once listening. */
  start(): Promise<void> {
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (msg) => {
      for (const h of this.handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
    });
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'listener connection failed; reconnecting');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    await client.connect();
    for (const channel of Object.values(CHANNELS)) await client.query(`LISTEN ${channel}`);
    this.client = client;
  }

  private reconnect(old: pg.Client): void {
    if (this.closed || this.client !== old) return;
    this.client = undefined;
    const retry = (): void => {
      if (this.closed) return;
      this.connect().catch(() => setTimeout(retry, 500).unref());
    };
    setTimeout(retry, 100).unref();
  }

  /** Registers a handler; returns the function that removes it. */
  on(channel: Channel, handler: Handler): () => void {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}
