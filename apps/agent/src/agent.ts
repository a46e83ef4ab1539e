import path from 'node:path';
import { pino, type Logger } from 'pino';
import { loadCodeLocation, type CodeLocationDefinition } from '@gantry/code-location';
import { DEFAULT_MAX_MESSAGE_BYTES } from '@gantry/pipes';
import type { RunAssignment__Output } from '@gantry/proto';
import type { PriceTable } from './cost/price-table';
import { EventSequencer } from './runs/event-sequencer';
import { RunExecutor } from './runs/run-executor';
import { EventSender } from './session/event-sender';
import { type AgentFatalError, SessionClient } from './session/session-client';
import { EventSpool } from './spool/event-spool';

export { AgentFatalError } from './session/session-client';

/** Version reported in `Hello.agent.version`. */
export const AGENT_VERSION = '0.1.0';

/** Options of {@link startAgent}. */
export interface AgentOptions {
  /** `host:port` of the control plane's gRPC AgentService. */
  controlPlaneAddress: string;
  /** Agent token, sent as `authorization: Bearer <token>`. Secret: never logged. */
  token: string;
  /** Agent name inside its organization. */
  name: string;
  /** Folder for the event spool (`spool/`) and per-run files (`runs/`). */
  stateDir: string;
  /** `gantry.yaml` files (or their folders) of the code locations this agent serves. */
  codeLocationPaths: string[];
  /** Runs executed at once (default 4). */
  maxConcurrentRuns?: number;
  /** pino level (default `info`). */
  logLevel?: string;
  /** Deployments served (default: every deployment the token allows). */
  deployments?: string[];
  /** Largest accepted Pipes message, bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** Prices of run resources per launcher (default: AWS Fargate on-demand us-east-1; see cost/price-table.ts). */
  prices?: PriceTable;
}

/** A started agent. */
export interface RunningAgent {
  /** Graceful: no new runs, in-flight runs finish (bounded, then canceled), spool flushed and acknowledged (bounded). */
  stop(): Promise<void>;
  /** Abrupt, for tests: drops the connection and child processes without cleanup (the spool stays on disk). */
  kill(): void;
}

/** How long {@link Agent.stop} lets in-flight runs finish before canceling them, ms. */
const STOP_RUNS_TIMEOUT_MS = 30_000;
/** How long {@link Agent.stop} waits for the last acks, ms. */
const STOP_ACKS_TIMEOUT_MS = 10_000;
const DEFAULT_HEARTBEAT_MS = 5_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The agent: loads its code locations, keeps a session with the control plane,
 * runs assigned runs with the process launcher (at most `maxConcurrentRuns` at
 * once), spools every event to disk before sending it, and replays what was
 * not acknowledged after a reconnect or a restart.
 */
export class Agent implements RunningAgent {
  private readonly log: Logger;
  private readonly maxRuns: number;
  private readonly spool: EventSpool;
  private readonly sender: EventSender;
  private session: SessionClient | undefined;
  private locations: CodeLocationDefinition[] = [];
  private readonly executors = new Map<string, RunExecutor>();
  private readonly revoked = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  private draining = false;
  private stopped = false;
  private lastSlots: number | undefined;
  private fatalError: AgentFatalError | undefined;
  private fatalListeners: ((e: AgentFatalError) => void)[] = [];

  constructor(private readonly options: AgentOptions) {
    this.log = pino({ level: options.logLevel ?? 'info', base: { service: 'gantry-agent', agent: options.name } });
    this.maxRuns = options.maxConcurrentRuns ?? 4;
    this.spool = new EventSpool({ dir: path.join(options.stateDir, 'spool'), logger: this.log.child({ module: 'spool' }), onSpooled: () => this.sender.pump() });
    this.sender = new EventSender({ spool: this.spool, send: (events) => this.session?.send({ events: { events } }) ?? false });
  }

  /**
   * Loads code locations and the spool, then connects. Resolves once the first
   * connection attempt is over (retries continue in the background).
   * Errors: the code location loader's errors; AgentFatalError when the
   * control plane refuses the token.
   */
  async start(): Promise<void> {
    this.locations = await Promise.all(this.options.codeLocationPaths.map((p) => loadCodeLocation(p)));
    this.log.info({ locations: this.locations.map((l) => `${l.deployment}/${l.name}`) }, 'code locations loaded');
    const leftovers = await this.spool.load();
    for (const run of leftovers) {
      this.log.info({ runId: run.runId, unacked: run.unacked, finished: run.finished }, 'replaying spooled events of a previous agent process');
      if (!run.finished) {
        new EventSequencer(run.runId, run.lastSeq, (e) => this.spool.append(e)).emit({
          type: 'RUN_FAILURE',
          message: 'the agent restarted while the run was executing; its process was lost',
        });
      }
    }
    await this.spool.flush();
    this.session = new SessionClient(
      {
        address: this.options.controlPlaneAddress,
        token: this.options.token,
        logger: this.log.child({ module: 'session' }),
        locations: () =>
          this.locations.map((def) => ({ deployment: def.deployment, name: def.name, definitionJson: JSON.stringify(def) })),
        hello: () => ({
          agent: { name: this.options.name, version: AGENT_VERSION, launcher: 'process', deployments: this.options.deployments ?? [] },
          freeSlots: this.freeSlots(),
          runningRunIds: this.heldRunIds(),
        }),
      },
      {
        onWelcome: (w) => {
          this.lastSlots = this.freeSlots();
          this.sender.connect();
          if (this.heartbeat) clearInterval(this.heartbeat);
          this.heartbeat = setInterval(() => this.session?.send({ heartbeat: { runIds: this.heldRunIds() } }), w.heartbeatIntervalMs > 0 ? w.heartbeatIntervalMs : DEFAULT_HEARTBEAT_MS);
        },
        onAssignment: (a) => this.onAssignment(a),
        onAcks: (acks) => this.sender.onAcks(acks),
        onCancel: (runId) => {
          this.log.info({ runId }, 'cancel requested');
          this.executors.get(runId)?.cancel();
        },
        onLeaseRevoked: (runId, reason) => {
          this.log.warn({ runId, reason }, 'lease revoked; stopping the run and dropping its events');
          this.revoked.add(runId);
          this.executors.get(runId)?.revoke();
          this.spool.drop(runId);
          this.sender.settle();
        },
        onDisconnected: (reason) => {
          this.log.warn({ reason }, 'session lost');
          this.sender.disconnect();
          if (this.heartbeat) clearInterval(this.heartbeat);
          this.heartbeat = undefined;
        },
        onFatal: (error) => {
          this.fatalError = error;
          this.sender.disconnect();
          if (this.heartbeat) clearInterval(this.heartbeat);
          this.fatalListeners.forEach((l) => l(error));
        },
      },
    );
    try {
      await this.session.start();
    } catch (error) {
      this.kill();
      throw error;
    }
  }

  /** Resolves with the error that made the agent give up connecting (refused token). */
  whenFatal(): Promise<AgentFatalError> {
    if (this.fatalError) return Promise.resolve(this.fatalError);
    return new Promise((resolve) => this.fatalListeners.push(resolve));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.draining = true;
    this.announceSlots();
    this.log.info({ running: this.executors.size }, 'stopping: waiting for in-flight runs');
    const deadline = Date.now() + STOP_RUNS_TIMEOUT_MS;
    while (this.executors.size > 0 && Date.now() < deadline) await sleep(20);
    if (this.executors.size > 0) {
      this.log.warn({ running: [...this.executors.keys()] }, 'runs did not finish in time; canceling them');
      for (const ex of this.executors.values()) ex.cancel();
      const hard = Date.now() + 10_000;
      while (this.executors.size > 0 && Date.now() < hard) await sleep(20);
    }
    await this.spool.flush();
    const ackDeadline = Date.now() + STOP_ACKS_TIMEOUT_MS;
    while (!this.spool.isIdle() && !this.fatalError && Date.now() < ackDeadline) await sleep(10);
    if (!this.spool.isIdle()) this.log.warn({ runs: this.spool.unackedRunIds() }, 'stopping with unacknowledged events; they stay in the spool');
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.session?.close();
    await this.spool.close();
    this.log.info('agent stopped');
  }

  kill(): void {
    this.stopped = true;
    this.draining = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.session?.destroy();
    for (const ex of this.executors.values()) ex.kill();
    this.spool.abandon();
  }

  private freeSlots(): number {
    return this.draining ? 0 : Math.max(0, this.maxRuns - this.executors.size);
  }

  private heldRunIds(): string[] {
    const ids = new Set([...this.executors.keys(), ...this.spool.unackedRunIds()]);
    for (const r of this.revoked) ids.delete(r);
    return [...ids];
  }

  private announceSlots(): void {
    const free = this.freeSlots();
    if (free === this.lastSlots) return;
    if (this.session?.send({ slots: { freeSlots: free } })) this.lastSlots = free;
  }

  private findLocation(a: RunAssignment__Output): CodeLocationDefinition | undefined {
    return this.locations.find((l) => l.name === a.codeLocation && (a.deployment === '' || l.deployment === a.deployment));
  }

  private onAssignment(a: RunAssignment__Output): void {
    const log = this.log.child({ runId: a.runId });
    if (this.executors.has(a.runId)) {
      log.info('assignment of a run already executing; ignored');
      return;
    }
    this.revoked.delete(a.runId);
    const sequencer = new EventSequencer(a.runId, Math.max(a.storedSeq, this.spool.lastSeqOf(a.runId)), (e) => this.spool.append(e));
    const refuse = (message: string) => {
      log.warn({ reason: message }, 'refusing an assignment');
      sequencer.emit({ type: 'RUN_FAILURE', message });
    };
    if (this.draining) return refuse('the agent is shutting down and accepts no new runs');
    if (this.freeSlots() <= 0) return refuse(`the agent has no free slot (maxConcurrentRuns ${this.maxRuns}); the control plane assigned more runs than announced`);
    const location = this.findLocation(a);
    if (!location) return refuse(`code location ${a.deployment}/${a.codeLocation} is not loaded by agent ${this.options.name}`);
    log.info({ codeLocation: location.name, assetKeys: a.assetKeys }, 'run assigned');
    const executor = new RunExecutor({
      assignment: a,
      location,
      sequencer,
      runsDir: path.join(this.options.stateDir, 'runs'),
      logger: this.log,
      maxMessageBytes: this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      ...(this.options.prices && { prices: this.options.prices }),
    });
    this.executors.set(a.runId, executor);
    this.announceSlots();
    void executor.execute().finally(() => {
      this.executors.delete(a.runId);
      if (!this.stopped) this.announceSlots();
    });
  }
}

/**
 * Starts an agent (see {@link Agent}). Resolves once the first connection
 * attempt is over; rejects with AgentFatalError when the token is refused, or
 * with the loader's error for an invalid code location.
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const agent = new Agent(options);
  await agent.start();
  return agent;
}
