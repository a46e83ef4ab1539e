import { Writable } from 'node:stream';
import { Log, Watch, type BatchV1Api, type KubeConfig, type V1Job, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { LaunchedRun, RunExit, RunReservation } from '../run-launcher';
import { RUN_CONTAINER } from './job-manifest';
import { LABELS } from './labels';
import { LogLineFilter, sinceTimeOf, type LogCursor } from './log-cursor';
import { parseQuantity } from './quantity';
import { apiErrorCode, apiErrorText, containerStarted, containerTermination, jobDeadlineExceeded, jobFinished, podStartFailure, podUnschedulable } from './pod-status';

/** Options of {@link KubernetesRun}. */
export interface KubernetesRunOptions {
  kubeConfig: KubeConfig;
  batch: BatchV1Api;
  namespace: string;
  jobName: string;
  /** Value of the `gantry.dev/run` label of the run's pod. */
  runLabel: string;
  /** Where the log lines already turned into events end (adoption); lines up to it are skipped. */
  startCursor: LogCursor;
  /** How long a pod may stay unschedulable before the run fails, ms. */
  unschedulableTimeoutMs: number;
  /** How long after the container ended its log may take to end, ms. */
  logEndGraceMs: number;
  logger: Logger;
}

/** The {@link LaunchedRun.outputPosition} of a Kubernetes run (JSON). */
export interface KubernetesOutputPosition {
  namespace: string;
  job: string;
  /** The container log lines turned into events end here. */
  cursor: LogCursor;
}

const RETRY_MS = 500;
/** Longest wait for a deleted Job's pod or Job to be seen gone before the run is ended anyway, ms. */
const STOP_OBSERVE_MS = 60_000;
const NEWLINE = Buffer.from('\n');

/**
 * Follows one run Job: watches its pod and the Job (`?watch=true`), follows
 * the container's log (`follow=true`, `timestamps=true`) from a cursor, and turns platform
 * states into the run's {@link RunExit}: image pull and container config
 * errors and a pod that stays unschedulable fail the run at once (the Job is
 * deleted), an OOM kill, a deadline (Job condition DeadlineExceeded) and a
 * pod deleted under the run become reasons. Output is delivered as whole
 * lines without their timestamps; a log stream that closes early is reopened
 * from `sinceTime` and the lines already delivered are skipped.
 */
export class KubernetesRun implements LaunchedRun {
  readonly handle: string;
  readonly enforcesTimeout = true;
  readonly details: Readonly<Record<string, unknown>>;
  readonly exited: Promise<RunExit>;
  private resolveExit!: (exit: RunExit) => void;
  private readonly listeners: ((stream: 'stdout' | 'stderr', chunk: Buffer) => void)[] = [];
  private readonly aborts = new Set<AbortController>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly log: Logger;
  private podName: string | undefined;
  private pod: V1Pod | undefined;
  /** End of the log lines delivered to listeners. */
  private cursor: LogCursor;
  private partial: Buffer = Buffer.alloc(0);
  private filter: LogLineFilter | undefined;
  private following = false;
  private logEnded = false;
  private outcome: RunExit | undefined;
  private stopping = false;
  private closed = false;
  private unschedulableTimer: NodeJS.Timeout | undefined;
  private finishing = false;
  private logEndedListeners: (() => void)[] = [];
  private podDeleted = false;

  constructor(private readonly options: KubernetesRunOptions) {
    this.handle = `${options.namespace}/${options.jobName}`;
    this.details = { namespace: options.namespace, job: options.jobName };
    this.cursor = options.startCursor;
    this.log = options.logger.child({ job: this.handle });
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /** Starts watching the pod and the Job. */
  start(): void {
    const ns = this.options.namespace;
    this.watch(`/api/v1/namespaces/${ns}/pods`, { labelSelector: `${LABELS.run}=${this.options.runLabel}` }, (type, pod) => this.onPod(type, pod as V1Pod));
    this.watch(`/apis/batch/v1/namespaces/${ns}/jobs`, { fieldSelector: `metadata.name=${this.options.jobName}` }, (type, job) => this.onJob(type, job as V1Job));
  }

  onOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): void {
    this.listeners.push(listener);
  }

  outputPosition(): string {
    const position: KubernetesOutputPosition = { namespace: this.options.namespace, job: this.options.jobName, cursor: this.cursor };
    return JSON.stringify(position);
  }

  /** Deletes the Job with `propagationPolicy: Foreground` (its pod goes first); `force` also sets `gracePeriodSeconds: 0`. */
  async stop(force: boolean): Promise<void> {
    this.stopping = true;
    // Should the deletion never be observed (watch lost), the run still ends.
    this.later(STOP_OBSERVE_MS, () => this.decide({ code: null, signal: 'SIGTERM' }));
    try {
      await this.options.batch.deleteNamespacedJob({
        name: this.options.jobName,
        namespace: this.options.namespace,
        propagationPolicy: 'Foreground',
        ...(force && { gracePeriodSeconds: 0 }),
      });
    } catch (error) {
      if (apiErrorCode(error) === 404) {
        this.decide({ code: null, signal: 'SIGTERM' });
        return;
      }
      throw new Error(`could not delete Job ${this.handle}: ${apiErrorText(error)}`, { cause: error });
    }
  }

  detach(): void {
    this.close();
  }

  /**
   * The run container's resources from the pod last seen (also for an adopted
   * run): per resource `limits`, else `requests`; cpu in vCPUs, memory in GB
   * (2^30 bytes). Undefined before the pod was seen or when it sets neither
   * cpu nor memory. Errors: QuantityError for a quantity that is not one.
   */
  reservation(): RunReservation | undefined {
    return this.pod ? podReservation(this.pod) : undefined;
  }

  cleanup(): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  private close(): void {
    this.closed = true;
    for (const a of this.aborts) a.abort();
    this.aborts.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const l of this.logEndedListeners.splice(0)) l();
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  /** A watch that is opened again (listing current objects as ADDED) whenever the server ends it. */
  private watch(path: string, query: Record<string, string>, onEvent: (type: string, object: unknown) => void): void {
    const open = async (): Promise<void> => {
      if (this.closed) return;
      // The done callback can run before watch() resolves (a refused request), so the controller is held by reference.
      const held: { controller?: AbortController } = {};
      const controller = await new Watch(this.options.kubeConfig).watch(path, query, onEvent, (error: unknown) => {
        if (held.controller) this.aborts.delete(held.controller);
        if (this.closed || this.outcome) return;
        if (error) this.log.debug({ err: error, path }, 'watch ended; reopening');
        this.later(error ? RETRY_MS : 50, () => void open());
      });
      held.controller = controller;
      if (this.closed) controller.abort();
      else this.aborts.add(controller);
    };
    void open();
  }

  private onPod(type: string, pod: V1Pod): void {
    const name = pod.metadata?.name;
    if (!name) return;
    this.podName ??= name;
    if (name !== this.podName) return;
    if (type === 'DELETED') {
      if (this.stopping) this.decide({ code: null, signal: 'SIGTERM' });
      else if (!containerTermination(this.pod ?? pod)) {
        this.podDeleted = true;
        this.decide({ code: null, reason: `pod ${name} was deleted while the run was executing` });
      }
      return;
    }
    this.pod = pod;
    // A deletion shows first as a deletionTimestamp; the container's own exit (143, 137) follows and must not hide it.
    if (pod.metadata?.deletionTimestamp && !this.stopping && !containerTermination(pod)) {
      this.podDeleted = true;
      this.decide({ code: null, reason: `pod ${name} was deleted while the run was executing` });
    }
    const startFailure = podStartFailure(pod);
    if (startFailure) return this.failAndDelete(startFailure);
    const unschedulable = podUnschedulable(pod);
    if (unschedulable && !this.unschedulableTimer) {
      this.log.warn({ reason: unschedulable }, 'run pod is unschedulable');
      this.unschedulableTimer = this.later(this.options.unschedulableTimeoutMs, () => {
        const still = this.pod && podUnschedulable(this.pod);
        if (still) this.failAndDelete(`${still} (still unschedulable after ${Math.round(this.options.unschedulableTimeoutMs / 1000)} s)`);
      });
    } else if (!unschedulable && this.unschedulableTimer) {
      clearTimeout(this.unschedulableTimer);
      this.timers.delete(this.unschedulableTimer);
      this.unschedulableTimer = undefined;
    }
    if (containerStarted(pod)) this.followLog();
    const terminated = containerTermination(pod);
    if (terminated) this.decide(terminated.reason ? { code: terminated.code, reason: terminated.reason } : { code: terminated.code });
  }

  private onJob(type: string, job: V1Job): void {
    if (type === 'DELETED') {
      this.decide(this.stopping ? { code: null, signal: 'SIGTERM' } : { code: null, reason: `Job ${this.handle} was deleted by someone other than this agent` });
      return;
    }
    const deadline = jobDeadlineExceeded(job);
    if (deadline) return this.decide({ code: null, reason: deadline });
    const finished = jobFinished(job);
    // A Job that finished while no pod was seen (adopted after its pod was cleaned up) still ends the run.
    if (finished && !this.pod) this.decide(finished === 'Complete' ? { code: 0 } : { code: null, reason: `Job ${this.handle} failed (${job.status?.conditions?.find((c) => c.type === 'Failed')?.reason ?? 'no reason given'})` });
  }

  private failAndDelete(reason: string): void {
    if (this.outcome) return;
    this.decide({ code: null, reason });
    // The pod would wait (back off, stay pending) until the deadline; delete it now.
    this.options.batch
      .deleteNamespacedJob({ name: this.options.jobName, namespace: this.options.namespace, propagationPolicy: 'Foreground' })
      .catch((error: unknown) => this.log.warn({ err: apiErrorText(error) }, 'could not delete the failed run Job'));
  }

  /** Records how the run ended (first decision wins) and finishes once its log is read. */
  private decide(exit: RunExit): void {
    if (this.outcome || this.closed) return;
    this.outcome = exit;
    this.log.info({ exit }, 'run Job ended');
    void this.finish();
  }

  private async finish(): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    if (this.following && !this.logEnded) {
      // The log stream ends shortly after the container; wait for it, but not forever.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.logEndGraceMs);
        this.logEndedListeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    let exit = this.outcome!;
    // A deadline kills (deletes) the pod before the Job condition may arrive; prefer the deadline as the reason.
    if ((!exit.reason || this.podDeleted) && !this.stopping) {
      try {
        const job = await this.options.batch.readNamespacedJob({ name: this.options.jobName, namespace: this.options.namespace });
        const deadline = jobDeadlineExceeded(job);
        if (deadline) exit = { code: exit.code, reason: deadline };
      } catch {
        // The Job may be gone already; the exit stands.
      }
    }
    if (this.closed) return;
    // A last line without newline (the container's final unterminated output).
    const last = this.partial.length > 0 ? this.filter?.accept(this.partial) : undefined;
    if (last && last.length > 0) this.deliver(last);
    this.partial = Buffer.alloc(0);
    this.close();
    this.resolveExit(exit);
  }

  private deliver(chunk: Buffer): void {
    if (this.filter) this.cursor = this.filter.cursor;
    for (const l of this.listeners) l('stdout', chunk);
  }

  /** Follows the container log from the cursor (`sinceTime`, then skipping lines already delivered). */
  private followLog(): void {
    if (this.following || this.logEnded || this.closed || !this.podName) return;
    this.following = true;
    const filter = new LogLineFilter(this.cursor);
    this.filter = filter;
    this.partial = Buffer.alloc(0);
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        if (!this.closed && this.filter === filter) {
          const all = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
          const out: Buffer[] = [];
          let start = 0;
          for (let nl = all.indexOf(0x0a); nl >= 0; nl = all.indexOf(0x0a, start)) {
            const content = filter.accept(all.subarray(start, nl));
            if (content) out.push(content, NEWLINE);
            start = nl + 1;
          }
          this.partial = Buffer.from(all.subarray(start));
          if (out.length > 0) this.deliver(Buffer.concat(out));
        }
        callback();
      },
    });
    sink.on('finish', () => this.onLogEnd());
    sink.on('error', () => this.onLogEnd());
    new Log(this.options.kubeConfig)
      .log(this.options.namespace, this.podName, RUN_CONTAINER, sink, { follow: true, timestamps: true, ...(sinceTimeOf(this.cursor) && { sinceTime: sinceTimeOf(this.cursor) }) })
      .then((controller) => {
        if (this.closed) controller.abort();
        else this.aborts.add(controller);
      })
      .catch((error: unknown) => {
        this.log.debug({ err: apiErrorText(error) }, 'could not open the pod log; retrying');
        this.following = false;
        this.later(RETRY_MS, () => this.followLog());
      });
  }

  private onLogEnd(): void {
    if (!this.following) return;
    this.following = false;
    const ended = (this.pod && containerTermination(this.pod)) || this.outcome;
    if (ended) {
      this.logEnded = true;
      for (const l of this.logEndedListeners.splice(0)) l();
      return;
    }
    // follow=true streams can close before the container ends (API server timeouts): read on from where we are.
    this.later(RETRY_MS, () => this.followLog());
  }
}

/** {@link KubernetesRun.reservation} of a pod: the run container's limits, else requests, and when it started. */
export function podReservation(pod: V1Pod): RunReservation | undefined {
  const container = pod.spec?.containers.find((c) => c.name === RUN_CONTAINER) ?? pod.spec?.containers[0];
  const resources = container?.resources;
  const of = (name: 'cpu' | 'memory'): number | undefined => {
    const q = (resources?.limits?.[name] ?? resources?.requests?.[name]) as string | number | undefined;
    return q === undefined ? undefined : parseQuantity(q);
  };
  const cpu = of('cpu');
  const memory = of('memory');
  if (cpu === undefined && memory === undefined) return undefined;
  const status = pod.status?.containerStatuses?.find((c) => c.name === container?.name);
  const started = status?.state?.running?.startedAt ?? status?.state?.terminated?.startedAt ?? pod.status?.startTime;
  const startedAtMs = started ? new Date(started).getTime() : Number.NaN;
  return { vcpu: cpu ?? 0, memoryGb: (memory ?? 0) / 2 ** 30, ...(Number.isFinite(startedAtMs) && { startedAtMs }) };
}
