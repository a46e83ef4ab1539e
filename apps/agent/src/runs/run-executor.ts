import path from 'node:path';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { CodeLocationDefinition } from '@gantry/code-location';
import { assetKeyToString, parseAssetKey } from '@gantry/domain';
import { isPipesMessageLine, PIPES_VERSION_FIELD, type PipesContextData } from '@gantry/pipes';
import type { RunAssignment__Output } from '@gantry/proto';
import { contextFromTraceparent, gantryTracer, traceparentOf } from '@gantry/telemetry';
import type { PriceTable } from '../cost/price-table';
import { reservationUsageEvent, RunCostMeter } from '../cost/run-cost-meter';
import type { LaunchedRun, RunExit, RunLauncher, RunReservation } from '../launchers/run-launcher';
import { LineSplitter, type SplitLine } from '../pipes/line-splitter';
import { MessageTail } from '../pipes/message-tail';
import { PipesBridge } from '../pipes/pipes-bridge';
import { ComputeLogBuffer } from './compute-log-buffer';
import type { EventSequencer, RunEventInput } from './event-sequencer';

/** Options of {@link RunExecutor}. */
export interface RunExecutorOptions {
  assignment: RunAssignment__Output;
  location: CodeLocationDefinition;
  /** Starts the run's process, Job or task. */
  launcher: RunLauncher;
  /**
   * A run the launcher adopted after an agent restart: it is followed, not
   * launched, and RUN_STARTING / RUN_STARTED are not emitted again.
   */
  adopted?: LaunchedRun;
  /**
   * Called after each output chunk became events, with the launcher's output
   * position (launchers with {@link LaunchedRun.outputPosition} only); the
   * agent spools it so an adopted run resumes right after it.
   */
  onOutputPosition?: (position: string) => void;
  /** Id of the agent's organization, passed to the launcher to label the run's resources. */
  organization?: string;
  /** Numbers and forwards the run's events. */
  sequencer: EventSequencer;
  /** Parent folder of per-run folders (context and messages files). */
  runsDir: string;
  logger: Logger;
  /** Largest accepted Pipes message, bytes. */
  maxMessageBytes: number;
  /** Time between SIGTERM and SIGKILL on cancel or timeout, ms (default 5000). */
  killGraceMs?: number;
  /** Prices for the RUN_RESOURCE_USAGE event (default: Fargate us-east-1, cost/price-table.ts). */
  prices?: PriceTable;
}

/** How a run ended, as the executor saw it. */
export type RunOutcome = 'success' | 'failure' | 'canceled' | 'revoked' | 'killed' | 'detached';

const STDERR_TAIL_LINES = 20;
/** How long after the timeout the executor stops a run whose platform enforces the timeout itself, ms. */
const TIMEOUT_BACKSTOP_MS = 60_000;
const STDERR_TAIL_CHARS = 4000;

/**
 * Executes one assigned run with a {@link RunLauncher}: emits RUN_STARTING,
 * launches the code location with a Pipes context (or follows a run adopted
 * after a restart), bridges the messages file and the output stream into
 * events, enforces the location's timeout, and emits exactly one terminal
 * event (unless the lease was revoked, or the agent was killed or detached
 * from the run). Never throws; every problem becomes an event.
 */
export class RunExecutor {
  readonly runId: string;
  private proc: LaunchedRun | undefined;
  private stopReason: 'cancel' | 'timeout' | 'revoke' | 'kill' | 'detach' | undefined;
  private detached: (() => void) | undefined;
  private readonly detachedSignal = new Promise<'detached'>((resolve) => (this.detached = () => resolve('detached')));
  private killTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  private span: Span | undefined;

  constructor(private readonly options: RunExecutorOptions) {
    this.runId = options.assignment.runId;
    this.log = options.logger.child({ runId: this.runId });
  }

  /** Runs to the end; resolves with the outcome. */
  async execute(): Promise<RunOutcome> {
    const { assignment, sequencer } = this.options;
    const tracer = gantryTracer();
    const span = tracer.startSpan(
      'agent.launch_run',
      {
        attributes: {
          'gantry.run_id': this.runId,
          'gantry.deployment': assignment.deployment,
          'gantry.code_location': assignment.codeLocation,
          'gantry.code_location_version': assignment.codeLocationVersion,
          'gantry.launcher': this.options.launcher.kind,
        },
      },
      contextFromTraceparent(assignment.traceparent),
    );
    this.span = span;
    let outcome: RunOutcome = 'failure';
    try {
      outcome = await this.run(span);
    } catch (error) {
      this.log.error({ err: error }, 'run executor failed unexpectedly');
      sequencer.emit({ type: 'RUN_FAILURE', message: `agent error: ${(error as Error).message}` });
      outcome = 'failure';
    } finally {
      if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
      if (this.killTimer) clearTimeout(this.killTimer);
      span.setAttribute('gantry.run_outcome', outcome);
      if (outcome === 'failure') span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      await this.proc?.cleanup().catch(() => undefined);
    }
    this.log.info({ outcome }, 'run ended');
    return outcome;
  }

  /** CancelRun: graceful stop now, forced after the grace period; ends with RUN_CANCELED. */
  cancel(): void {
    this.stop('cancel');
  }

  /** LeaseRevoked: stop the run at once and emit nothing more. */
  revoke(): void {
    this.options.sequencer.silence();
    this.stopReason ??= 'revoke';
    this.forceStop();
  }

  /**
   * Abrupt agent kill (tests: a crash): emit nothing more. A run that can
   * outlive the agent is left running (detached); any other is force-stopped.
   */
  kill(): void {
    this.options.sequencer.silence();
    if (this.canDetach()) {
      this.detach();
      return;
    }
    this.stopReason = 'kill';
    this.forceStop();
  }

  /** True when the launcher lets this run outlive the agent (a later agent adopts it). */
  canDetach(): boolean {
    return this.options.launcher.adopt !== undefined;
  }

  /**
   * Agent shutdown with a launcher whose runs outlive it: stop following the
   * run and emit nothing more, leaving it running for the next agent;
   * {@link execute} resolves with `detached`.
   */
  detach(): void {
    this.options.sequencer.silence();
    this.stopReason = 'detach';
    this.proc?.detach?.();
    this.detached?.();
  }

  private forceStop(): void {
    void this.proc?.stop(true).catch((error: unknown) => this.log.warn({ err: error }, 'could not force-stop the run'));
  }

  private stop(reason: 'cancel' | 'timeout'): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.log.info({ reason }, 'stopping the run');
    void this.proc?.stop(false).catch((error: unknown) => this.log.warn({ err: error }, 'could not stop the run'));
    this.killTimer = setTimeout(() => this.forceStop(), this.options.killGraceMs ?? 5000);
  }

  /** Read through a method so TypeScript does not narrow it across awaits. */
  private currentStop(): RunExecutor['stopReason'] {
    return this.stopReason;
  }

  private selection(): string[] {
    const keys = this.options.assignment.assetKeys.length > 0 ? this.options.assignment.assetKeys : this.options.location.assets.map((a) => a.key);
    return keys.map((k) => {
      try {
        return assetKeyToString(parseAssetKey(k));
      } catch {
        return k;
      }
    });
  }

  private async run(span: Span): Promise<RunOutcome> {
    const { assignment, location, sequencer } = this.options;
    const adopted = this.options.adopted;
    if (!adopted) sequencer.emit({ type: 'RUN_STARTING', payload: {} });
    const selection = this.selection();
    const partitionKey = assignment.partitionKey || null;
    const context: PipesContextData = {
      asset_keys: selection,
      code_version_by_asset_key: Object.fromEntries(selection.map((k) => [k, location.assets.find((a) => a.key === k)?.codeVersion ?? null])),
      provenance_by_asset_key: null,
      partition_key: partitionKey,
      partition_key_range:
        assignment.partitionRangeStart && assignment.partitionRangeEnd
          ? { start: assignment.partitionRangeStart, end: assignment.partitionRangeEnd }
          : partitionKey
            ? { start: partitionKey, end: partitionKey }
            : null,
      partition_time_window: null,
      run_id: this.runId,
      job_name: null,
      retry_number: 0,
      extras: {
        gantry_run_id: this.runId,
        deployment: assignment.deployment,
        code_location: assignment.codeLocation,
        traceparent: traceparentOf(span) ?? null,
      },
    };

    const bridge = new PipesBridge({
      selection,
      partitionKey,
      maxMessageBytes: this.options.maxMessageBytes,
      emit: (e) => sequencer.emit(e),
    });
    const computeLog = new ComputeLogBuffer({ emit: (stream, text) => sequencer.emit({ type: 'COMPUTE_LOG', message: text, payload: { stream } }) });
    const stderrTail: string[] = [];
    // Without a messages file (log-stream launchers) stdout and stderr arrive merged as stdout: keep its tail for failure reasons.
    let tailStdout = false;
    const onStdioLine = (stream: 'stdout' | 'stderr') => (line: SplitLine) => {
      if (line.kind === 'oversized') {
        if (isPipesMessageLine(line.head) || line.head.includes(PIPES_VERSION_FIELD)) bridge.handle(line);
        return;
      }
      if (isPipesMessageLine(line.text)) bridge.handle(line);
      else if ((stream === 'stderr' || tailStdout) && line.text.trim() !== '') {
        stderrTail.push(line.text);
        if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      }
    };
    const stdoutLines = new LineSplitter(this.options.maxMessageBytes, onStdioLine('stdout'));
    const stderrLines = new LineSplitter(this.options.maxMessageBytes, onStdioLine('stderr'));

    if (this.currentStop() === 'revoke' || this.currentStop() === 'kill') return this.currentStop() === 'kill' ? 'killed' : 'revoked';
    const launcher = this.options.launcher;
    if (adopted) {
      this.proc = adopted;
    } else {
      try {
        this.proc = await launcher.launch({
          runId: this.runId,
          ...(this.options.organization !== undefined && { organization: this.options.organization }),
          deployment: assignment.deployment,
          codeLocation: assignment.codeLocation,
          codeLocationVersion: assignment.codeLocationVersion,
          location,
          assetKeys: selection,
          context,
          runDir: path.join(this.options.runsDir, this.runId),
        });
      } catch (error) {
        sequencer.emit({ type: 'RUN_FAILURE', message: (error as Error).message });
        return 'failure';
      }
    }
    const proc = this.proc;
    // Measured cost: the process launcher's tree, from its pid. Reservation-based launchers (Kubernetes, ECS) are priced at the end.
    const pid = proc.details['pid'];
    const costMeter = launcher.kind === 'process' && typeof pid === 'number' ? RunCostMeter.start(pid, 'process', this.options.prices) : undefined;
    const followedSinceMs = Date.now();
    // A stop requested while launching applies now.
    if (this.currentStop() === 'cancel') void proc.stop(false).catch(() => undefined);
    if (this.currentStop() === 'revoke' || this.currentStop() === 'kill') void proc.stop(true).catch(() => undefined);
    if (this.currentStop() === 'detach') proc.detach?.();
    if (!adopted) sequencer.emit({ type: 'RUN_STARTED', payload: { ...proc.details, launcher: launcher.kind } });
    this.log.info({ handle: proc.handle, launcher: launcher.kind, adopted: adopted !== undefined }, adopted ? 'following an adopted run' : 'run started');

    tailStdout = proc.messagesPath === undefined;
    const tail = proc.messagesPath ? new MessageTail({ path: proc.messagesPath, maxLineBytes: this.options.maxMessageBytes, onLine: (l) => bridge.handle(l) }) : undefined;
    tail?.start();
    const positionOf = proc.outputPosition?.bind(proc);
    const onPosition = this.options.onOutputPosition;
    // Recorded before any output too: the position names where the run lives (e.g. its Job's namespace), for adoption.
    if (positionOf && onPosition && !adopted) onPosition(positionOf());
    proc.onOutput((stream, chunk) => {
      computeLog.push(stream, chunk);
      (stream === 'stdout' ? stdoutLines : stderrLines).push(chunk);
      if (positionOf && onPosition) {
        // Everything up to this position must be events before it is recorded, so an adopted run neither repeats nor skips output.
        computeLog.flushAll();
        onPosition(positionOf());
      }
    });
    // A platform that enforces the timeout reports it with its own reason; this timer is then a backstop.
    const backstopMs = proc.enforcesTimeout ? TIMEOUT_BACKSTOP_MS : 0;
    this.timeoutTimer = setTimeout(() => this.stop('timeout'), location.timeoutSeconds * 1000 + backstopMs);

    const exit = await Promise.race([proc.exited, this.detachedSignal]);
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
    if (this.killTimer) clearTimeout(this.killTimer);
    if (exit === 'detached') {
      await Promise.all([tail?.close(), costMeter?.discard()]);
      return 'detached';
    }
    if (this.currentStop() === 'kill') {
      await Promise.all([tail?.close(), costMeter?.discard()]);
      return 'killed';
    }
    await tail?.drain();
    stdoutLines.end();
    stderrLines.end();
    computeLog.flushAll();
    if (costMeter) sequencer.emit(await costMeter.usageEvent());
    else if (launcher.kind !== 'process') {
      const usage = this.reservedUsage(proc, adopted !== undefined, followedSinceMs);
      if (usage) sequencer.emit(usage);
    }
    return this.finish(exit, bridge, stderrTail);
  }

  /**
   * RUN_RESOURCE_USAGE of a reservation-based run: its reservation × the wall
   * time from its start (launch returned; for an adopted run the platform's
   * start time when known, else when following began) to now, priced with the
   * launcher's prices. Undefined when the run reports no reservation (no
   * requests/limits, or its pod was never seen) or it ended while stopping for
   * a revoke (nothing is emitted then anyway).
   */
  private reservedUsage(proc: LaunchedRun, adopted: boolean, followedSinceMs: number): RunEventInput | undefined {
    if (this.stopReason === 'revoke' || this.stopReason === 'detach') return undefined;
    let reservation: RunReservation | undefined;
    try {
      reservation = proc.reservation?.();
    } catch (error) {
      this.log.warn({ err: error }, 'could not read the run reservation; no RUN_RESOURCE_USAGE');
      return undefined;
    }
    if (!reservation) return undefined;
    const endMs = Date.now();
    const startMs = adopted && reservation.startedAtMs !== undefined && reservation.startedAtMs <= endMs ? Math.min(reservation.startedAtMs, followedSinceMs) : followedSinceMs;
    return reservationUsageEvent(this.options.launcher.kind, { vcpu: reservation.vcpu, memoryGb: reservation.memoryGb, seconds: (endMs - startMs) / 1000 }, this.options.prices);
  }

  private finish(exit: RunExit, bridge: PipesBridge, stderrTail: string[]): RunOutcome {
    const { sequencer, location } = this.options;
    const exitPayload = { exitCode: exit.code ?? undefined, signal: exit.signal ?? undefined };
    if (this.stopReason === 'revoke') return 'revoked';
    if (this.stopReason === 'detach') return 'detached';
    if (this.stopReason === 'cancel') {
      sequencer.emit({ type: 'RUN_CANCELED', payload: {} });
      return 'canceled';
    }
    const fail = (message: string): RunOutcome => {
      sequencer.emit({ type: 'RUN_FAILURE', message, payload: exitPayload });
      return 'failure';
    };
    if (this.stopReason === 'timeout') return fail(`run exceeded its timeout of ${location.timeoutSeconds} s`);
    // Log-stream launchers merge stdout and stderr, so the tail is of all output.
    const stderr = tailText(stderrTail, this.proc?.messagesPath === undefined ? 'output' : 'stderr');
    if (exit.reason) return fail(`${exit.reason}${stderr}`);
    if (bridge.exception) {
      const ex = bridge.exception;
      return fail(`${ex.name ? `${ex.name}: ` : ''}${ex.message}`);
    }
    if (exit.signal) return fail(`process was killed by signal ${exit.signal}${stderr}`);
    if (exit.code !== 0) return fail(`process exited with code ${exit.code}${stderr}`);
    if (!bridge.wasClosed) return fail('process exited without sending the pipes closed message');
    sequencer.emit({ type: 'RUN_SUCCESS', payload: {} });
    return 'success';
  }
}

function tailText(lines: string[], what: 'stderr' | 'output'): string {
  if (lines.length === 0) return '';
  let text = lines.join('\n');
  if (text.length > STDERR_TAIL_CHARS) text = text.slice(-STDERR_TAIL_CHARS);
  return `; last ${what} lines:\n${text}`;
}
