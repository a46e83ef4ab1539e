import type { CodeLocationDefinition } from '@gantry/code-location';
import type { PipesContextData } from '@gantry/pipes';

/** The launchers an agent can be configured with (GANTRY_AGENT_LAUNCHER). */
export type LauncherKind = 'process' | 'kubernetes' | 'ecs';

/** The launcher kinds, in the order config errors list them. */
export const LAUNCHER_KINDS: readonly LauncherKind[] = ['process', 'kubernetes', 'ecs'];

/** What every launcher gets for one run. */
export interface RunLaunchRequest {
  runId: string;
  /** Id of the agent's organization (from the control plane's Welcome), when known; launchers label resources with it. */
  organization?: string;
  deployment: string;
  codeLocation: string;
  codeLocationVersion: number;
  /** The code location: command, env, workingDirectory, timeoutSeconds and launcher settings (`kubernetes`, …). */
  location: CodeLocationDefinition;
  /** Asset keys in scope ("a/b" user strings), the same as `context.asset_keys`. */
  assetKeys: string[];
  /** The Dagster Pipes context (wire shape, libs/pipes context.ts). */
  context: PipesContextData;
  /** Local scratch folder owned by the run; the launcher may create it and removes it in {@link LaunchedRun.cleanup}. */
  runDir: string;
}

/** How a launched run ended, as its platform reports it. */
export interface RunExit {
  /** Exit code of the customer process; null when it is unknown or a signal ended it. */
  code: number | null;
  /** Signal name (`SIGKILL`) when a signal ended the process. */
  signal?: string | null;
  /**
   * Platform failure reason, e.g. `OOMKilled: …`, `image pull failed: …`,
   * `unschedulable: …`; when set, the run fails with this message.
   */
  reason?: string;
}

/**
 * What a run holds on its platform while it runs, which reservation-based
 * launchers (Kubernetes, ECS) are priced by: vCPUs and memory.
 */
export interface RunReservation {
  /** vCPUs reserved (Kubernetes: the container's `limits.cpu`, else `requests.cpu`; ECS: task CPU units / 1024). */
  vcpu: number;
  /** Memory reserved, GB = 2^30 bytes (Kubernetes: `limits.memory`, else `requests.memory`; ECS: task MiB / 1024). */
  memoryGb: number;
  /** When the run started on its platform (epoch ms), when known; used for adopted runs, which the agent did not see start. */
  startedAtMs?: number;
}

/** One run a launcher started (or adopted), seen from the agent. */
export interface LaunchedRun {
  /** Launcher-specific id: pid, `namespace/job-name`, task ARN. */
  readonly handle: string;
  /**
   * Set when Pipes messages arrive in a file the agent tails (process
   * launcher); otherwise messages come interleaved in the output stream via
   * {@link onOutput} (Kubernetes pod logs, CloudWatch).
   */
  readonly messagesPath?: string;
  /**
   * True when the platform itself enforces the location's timeout (Kubernetes
   * `activeDeadlineSeconds`) and reports it as {@link RunExit.reason}; the
   * executor's own timer then only acts as a late backstop.
   */
  readonly enforcesTimeout?: boolean;
  /** Extra fields of the RUN_STARTED payload (`{pid}`, `{namespace, job}`); JSON-serializable. */
  readonly details: Readonly<Record<string, unknown>>;
  /**
   * Receives output in order. Launchers whose output is a log stream (not
   * pipes of a child) deliver whole lines only, each chunk ending in `\n`
   * except a last unterminated line at the end of the stream.
   */
  onOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): void;
  /** Resolves once the run ended and all its output was delivered. Never rejects. */
  readonly exited: Promise<RunExit>;
  /** Graceful (SIGTERM / Job delete / StopTask) unless `force`. Idempotent. */
  stop(force: boolean): Promise<void>;
  /** Removes local resources (run folder); the platform's own resources expire by their TTL. */
  cleanup(): Promise<void>;
  /**
   * Where the output delivered so far ends, as an opaque string the same
   * launcher's {@link RunLauncher.adopt} understands; absent when the
   * launcher cannot resume output.
   */
  outputPosition?(): string;
  /**
   * The run's reservation as the platform last reported it (pod spec, ECS
   * task), for pricing reserved resources × duration; undefined while unknown
   * or when the run reserves nothing (no requests or limits). Absent for
   * launchers that measure usage instead (process).
   */
  reservation?(): RunReservation | undefined;
  /**
   * Stops following the run but leaves it running on its platform (the agent
   * is shutting down or crashed; a later agent adopts it). `exited` never
   * resolves afterwards. Absent when runs cannot outlive the agent.
   */
  detach?(): void;
}

/** A run found on the platform after an agent restart, ready to be followed again. */
export interface AdoptedRun {
  runId: string;
  deployment: string;
  codeLocation: string;
  codeLocationVersion: number;
  /** The context the run was launched with (asset selection, partition, extras). */
  context: PipesContextData;
  /** Seconds the platform still enforces as the run's deadline, when it knows one. */
  timeoutSeconds?: number;
  /** Following from the output position passed to {@link RunLauncher.adopt}. */
  run: LaunchedRun;
}

/**
 * The runs the agent's spool knows as unfinished, run id → the value
 * {@link LaunchedRun.outputPosition} returned when their last events before
 * the restart were spooled (empty string when output never started).
 */
export type OutputPositions = ReadonlyMap<string, string>;

/** Starts runs on one platform. */
export interface RunLauncher {
  readonly kind: LauncherKind;
  /**
   * Starts one run. Errors: a launcher error with a clear message (missing
   * binary, API refusal); the run fails with that message.
   */
  launch(request: RunLaunchRequest): Promise<LaunchedRun>;
  /**
   * Runs this launcher still has from before an agent restart (found by
   * label / tag), following each from its position. Runs the map does not
   * name (the agent has no record of their events) are left alone and not
   * returned. Errors: the platform's, when the runs cannot be listed.
   */
  adopt?(positions: OutputPositions): Promise<AdoptedRun[]>;
}
