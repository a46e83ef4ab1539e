import path from 'node:path';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { CodeLocationDefinition } from '@gantry/code-location';
import { assetKeyToString, parseAssetKey } from '@gantry/domain';
import { isPipesMessageLine, PIPES_VERSION_FIELD, type PipesContextData } from '@gantry/pipes';
import type { RunAssignment__Output } from '@gantry/proto';
import { contextFromTraceparent, gantryTracer, traceparentOf } from '@gantry/telemetry';
import { RunCostMeter } from '../cost/run-cost-meter';
import type { PriceTable } from '../cost/price-table';
import { launchProcess, type LaunchedProcess, type ProcessExit } from '../launchers/process-launcher';
import { LineSplitter, type SplitLine } from '../pipes/line-splitter';
import { MessageTail } from '../pipes/message-tail';
import { PipesBridge } from '../pipes/pipes-bridge';
import { ComputeLogBuffer } from './compute-log-buffer';
import type { EventSequencer } from './event-sequencer';

/** Options of {@link RunExecutor}. */
export interface RunExecutorOptions {
  assignment: RunAssignment__Output;
  location: CodeLocationDefinition;
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
export type RunOutcome = 'success' | 'failure' | 'canceled' | 'revoked' | 'killed';

const STDERR_TAIL_LINES = 20;
const STDERR_TAIL_CHARS = 4000;

/**
 * Executes one assigned run with the process launcher: emits RUN_STARTING,
 * launches the code location's command with a Pipes context, bridges the
 * messages file and stdout/stderr into events, enforces the location's
 * timeout, and emits exactly one terminal event (unless the lease was revoked
 * or the agent was killed). Never throws; every problem becomes an event.
 */
export class RunExecutor {
  readonly runId: string;
  private proc: LaunchedProcess | undefined;
  private stopReason: 'cancel' | 'timeout' | 'revoke' | 'kill' | undefined;
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
          'gantry.launcher': 'process',
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

  /** CancelRun: SIGTERM now, SIGKILL after the grace period; ends with RUN_CANCELED. */
  cancel(): void {
    this.stop('cancel');
  }

  /** LeaseRevoked: stop the process at once and emit nothing more. */
  revoke(): void {
    this.options.sequencer.silence();
    this.stopReason ??= 'revoke';
    this.proc?.signal('SIGKILL');
  }

  /** Abrupt agent kill (tests): SIGKILL, emit nothing more. */
  kill(): void {
    this.options.sequencer.silence();
    this.stopReason = 'kill';
    this.proc?.signal('SIGKILL');
  }

  private stop(reason: 'cancel' | 'timeout'): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.log.info({ reason }, 'stopping run process');
    this.proc?.signal('SIGTERM');
    this.killTimer = setTimeout(() => this.proc?.signal('SIGKILL'), this.options.killGraceMs ?? 5000);
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
    sequencer.emit({ type: 'RUN_STARTING', payload: {} });
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
    const onStdioLine = (stream: 'stdout' | 'stderr') => (line: SplitLine) => {
      if (line.kind === 'oversized') {
        if (isPipesMessageLine(line.head) || line.head.includes(PIPES_VERSION_FIELD)) bridge.handle(line);
        return;
      }
      if (isPipesMessageLine(line.text)) bridge.handle(line);
      else if (stream === 'stderr' && line.text.trim() !== '') {
        stderrTail.push(line.text);
        if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      }
    };
    const stdoutLines = new LineSplitter(this.options.maxMessageBytes, onStdioLine('stdout'));
    const stderrLines = new LineSplitter(this.options.maxMessageBytes, onStdioLine('stderr'));

    if (this.currentStop() === 'revoke' || this.currentStop() === 'kill') return this.currentStop() === 'kill' ? 'killed' : 'revoked';
    try {
      this.proc = await launchProcess({
        runId: this.runId,
        command: location.command,
        workingDirectory: location.workingDirectory,
        env: location.env,
        context,
        runDir: path.join(this.options.runsDir, this.runId),
      });
    } catch (error) {
      sequencer.emit({ type: 'RUN_FAILURE', message: (error as Error).message });
      return 'failure';
    }
    const proc = this.proc;
    const costMeter = RunCostMeter.start(proc.pid, 'process', this.options.prices);
    // A stop requested while launching applies now.
    if (this.currentStop() === 'cancel') proc.signal('SIGTERM');
    if (this.currentStop() === 'revoke' || this.currentStop() === 'kill') proc.signal('SIGKILL');
    sequencer.emit({ type: 'RUN_STARTED', payload: { pid: proc.pid, launcher: 'process' } });
    this.log.info({ pid: proc.pid, command: location.command }, 'run process started');

    const tail = new MessageTail({ path: proc.messagesPath, maxLineBytes: this.options.maxMessageBytes, onLine: (l) => bridge.handle(l) });
    tail.start();
    proc.onOutput((stream, chunk) => {
      computeLog.push(stream, chunk);
      (stream === 'stdout' ? stdoutLines : stderrLines).push(chunk);
    });
    this.timeoutTimer = setTimeout(() => this.stop('timeout'), location.timeoutSeconds * 1000);

    const exit = await proc.exited;
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
    if (this.killTimer) clearTimeout(this.killTimer);
    if (this.currentStop() === 'kill') {
      await Promise.all([tail.close(), costMeter.discard()]);
      return 'killed';
    }
    await tail.drain();
    stdoutLines.end();
    stderrLines.end();
    computeLog.flushAll();
    sequencer.emit(await costMeter.usageEvent());
    return this.finish(exit, bridge, stderrTail);
  }

  private finish(exit: ProcessExit, bridge: PipesBridge, stderrTail: string[]): RunOutcome {
    const { sequencer, location } = this.options;
    const exitPayload = { exitCode: exit.code ?? undefined, signal: exit.signal ?? undefined };
    if (this.stopReason === 'revoke') return 'revoked';
    if (this.stopReason === 'cancel') {
      sequencer.emit({ type: 'RUN_CANCELED', payload: {} });
      return 'canceled';
    }
    const fail = (message: string): RunOutcome => {
      sequencer.emit({ type: 'RUN_FAILURE', message, payload: exitPayload });
      return 'failure';
    };
    if (this.stopReason === 'timeout') return fail(`run exceeded its timeout of ${location.timeoutSeconds} s`);
    if (bridge.exception) {
      const ex = bridge.exception;
      return fail(`${ex.name ? `${ex.name}: ` : ''}${ex.message}`);
    }
    const stderr = tailText(stderrTail);
    if (exit.signal) return fail(`process was killed by signal ${exit.signal}${stderr}`);
    if (exit.code !== 0) return fail(`process exited with code ${exit.code}${stderr}`);
    if (!bridge.wasClosed) return fail('process exited without sending the pipes closed message');
    sequencer.emit({ type: 'RUN_SUCCESS', payload: {} });
    return 'success';
  }
}

function tailText(lines: string[]): string {
  if (lines.length === 0) return '';
  let text = lines.join('\n');
  if (text.length > STDERR_TAIL_CHARS) text = text.slice(-STDERR_TAIL_CHARS);
  return `; last stderr lines:\n${text}`;
}
