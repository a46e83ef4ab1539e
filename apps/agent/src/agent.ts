import path from 'node:path';
import { pino, type Logger } from 'pino';
import { loadCodeLocation, type CodeLocationDefinition } from '@gantry/code-location';
import { DEFAULT_MAX_MESSAGE_BYTES } from '@gantry/pipes';
import type { RunAssignment__Output } from '@gantry/proto';
import type { PriceTable } from './cost/price-table';
import { ProcessRunLauncher } from './launchers/process-launcher';
import type { AdoptedRun, RunLauncher } from './launchers/run-launcher';
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
  /** TLS to the control plane (`caPem`: the CA to trust; absent: the system roots). Undefined: plaintext. */
  controlPlaneTls?: { caPem?: Buffer };
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
  /** Queues served (default `["default"]`). */
  queues?: string[];
  /** Largest accepted Pipes message, bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** Prices of run resources per launcher (default: AWS Fargate on-demand us-east-1; see cost/price-table.ts). */
  prices?: PriceTable;
  /** Starts the runs (default: a {@link ProcessRunLauncher}). */
  launcher?: RunLauncher;
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
 * runs assigned runs with its launcher (at most `maxConcurrentRuns` at once),
 * spools every event to disk before sending it, and replays what was not
 * acknowledged after a reconnect or a restart. With a launcher whose runs
 * outlive the agent (Kubernetes), a stopping agent leaves its runs running and
 * a starting one adopts them, continuing their event numbering from the spool.
 */
export class Agent implements RunningAgent {
  private readonly log: Logger;
  private readonly maxRuns: number;
  private readonly spool: EventSpool;
  private readonly sender: EventSender;
  private readonly launcher: RunLauncher;
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
  private organizationId: string | undefined;

  constructor(private readonly options: AgentOptions) {
    this.log = pino({ level: options.logLevel ?? 'info', base: { service: 'gantry-agent', agent: options.name } });
    this.maxRuns = options.maxConcurrentRuns ?? 4;
    this.launcher = options.launcher ?? new ProcessRunLauncher();
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
    const unfinished = new Map(leftovers.filter((r) => !r.finished).map((r) => [r.runId, r.position ?? '']));
    const adopted = await this.adoptRuns(unfinished);
    for (const run of leftovers) {
      this.log.info({ runId: run.runId, unacked: run.unacked, finished: run.finished, adopted: adopted.has(run.runId) }, 'replaying spooled events of a previous agent process');
      if (!run.finished && !adopted.has(run.runId)) {
        new EventSequencer(run.runId, run.lastSeq, (e) => this.spool.append(e)).emit({
          type: 'RUN_FAILURE',
          message:
            this.launcher.adopt === undefined
              ? 'the agent restarted while the run was executing; its process was lost'
              : `the agent restarted while the run was executing and could not find it again on the ${this.launcher.kind} platform`,
        });
      }
    }
    for (const run of adopted.values()) this.follow(run);
    await this.spool.flush();
    this.session = new SessionClient(
      {
        address: this.options.controlPlaneAddress,
        ...(this.options.controlPlaneTls && { tls: this.options.controlPlaneTls }),
        token: this.options.token,
        logger: this.log.child({ module: 'session' }),
        locations: () =>
          this.locations.map((def) => ({ deployment: def.deployment, name: def.name, definitionJson: JSON.stringify(def) })),
        hello: () => ({
          agent: { name: this.options.name, version: AGENT_VERSION, launcher: this.launcher.kind, deployments: this.options.deployments ?? [], queues: this.options.queues ?? ['default'] },
          freeSlots: this.freeSlots(),
          runningRunIds: this.heldRunIds(),
        }),
      },
      {
        onWelcome: (w) => {
          this.organizationId = w.organizationId;
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
    if (this.launcher.adopt !== undefined) {
      // Runs outlive the agent on this platform: leave them running for the next agent instead of waiting or canceling.
      this.log.info({ running: [...this.executors.keys()] }, 'stopping: leaving runs to the next agent');
      for (const ex of this.executors.values()) ex.detach();
    }
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
    this.execute(a, location, sequencer);
  }

  private execute(a: RunAssignment__Output, location: CodeLocationDefinition, sequencer: EventSequencer, adopted?: AdoptedRun): void {
    const executor = new RunExecutor({
      assignment: a,
      location,
      launcher: this.launcher,
      ...(adopted && { adopted: adopted.run }),
      ...(this.organizationId !== undefined && { organization: this.organizationId }),
      onOutputPosition: (position) => this.spool.note(a.runId, position),
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

  /** Asks the launcher for the runs it still has; a failure to list them is logged and adopts nothing. */
  private async adoptRuns(unfinished: Map<string, string>): Promise<Map<string, AdoptedRun>> {
    if (!this.launcher.adopt || unfinished.size === 0) return new Map();
    try {
      const runs = await this.launcher.adopt(unfinished);
      return new Map(runs.filter((r) => unfinished.has(r.runId)).map((r) => [r.runId, r]));
    } catch (error) {
      this.log.error({ err: error }, 'could not look for runs of the previous agent process');
      return new Map();
    }
  }

  /**
   * Follows a run adopted after a restart: its events continue after the
   * highest seq the spool holds for it (the control plane stored at most
   * that many), so numbering never collides.
   */
  private follow(run: AdoptedRun): void {
    const log = this.log.child({ runId: run.runId });
    const context = run.context;
    const assignment: RunAssignment__Output = {
      runId: run.runId,
      deployment: run.deployment,
      codeLocation: run.codeLocation,
      codeLocationVersion: run.codeLocationVersion,
      assetKeys: context.asset_keys ?? [],
      partitionKey: context.partition_key ?? '',
      partitionRangeStart: context.partition_key_range?.start ?? '',
      partitionRangeEnd: context.partition_key_range?.end ?? '',
      traceparent: typeof context.extras['traceparent'] === 'string' ? context.extras['traceparent'] : '',
      leaseExpiresAtMs: 0,
      tagsJson: '{}',
      storedSeq: this.spool.lastSeqOf(run.runId),
    };
    // The location may have changed or gone since the launch; the platform still enforces the deadline it was launched with.
    const location: CodeLocationDefinition = this.findLocation(assignment) ?? {
      name: run.codeLocation,
      deployment: run.deployment,
      command: [],
      workingDirectory: this.options.stateDir,
      env: {},
      timeoutSeconds: run.timeoutSeconds ?? 24 * 3600,
      assets: [],
    };
    log.info({ handle: run.run.handle }, 'adopted a run of the previous agent process');
    this.execute(assignment, location, new EventSequencer(run.runId, assignment.storedSeq, (e) => this.spool.append(e)), run);
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
