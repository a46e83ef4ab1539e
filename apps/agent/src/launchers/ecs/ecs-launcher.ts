import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  ClusterNotFoundException,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerOverride,
  type RunTaskCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import type { EcsRunSettings } from '@gantry/code-location';
import { decodePipesParams, encodePipesParams, PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV, type PipesContextData } from '@gantry/pipes';
import type { AdoptedRun, LaunchedRun, OutputPositions, RunExit, RunLauncher, RunLaunchRequest, RunReservation } from '../run-launcher';
import { CloudWatchLogTail } from './cloudwatch-log-tail';
import { describeAwsError, EcsLaunchError } from './ecs-errors';
import { resolveEcsRunSettings, type ResolvedEcsRunSettings } from './ecs-run-settings';
import { buildTaskDefinition, GANTRY_TAGS, TaskDefinitionRegistry } from './task-definition';
import { exitOfStoppedTask, GANTRY_STOP_PREFIX } from './task-exit';

/** Options of {@link EcsLauncher}. */
export interface EcsLauncherOptions {
  /** Cluster name or ARN (GANTRY_ECS_CLUSTER). */
  cluster: string;
  /** AWS region of the cluster and the log groups (AWS_REGION). */
  region: string;
  /** Defaults under every code location's `ecs:` section (GANTRY_ECS_RUN_DEFAULTS). */
  runDefaults: EcsRunSettings;
  /**
   * The agent's organization id when {@link RunLaunchRequest.organization} is
   * absent; it names task definition families and tags.
   */
  organization?: () => string | undefined;
  /** Interval between DescribeTasks and GetLogEvents polls of each run, ms (default 2000). */
  pollIntervalMs?: number;
  /**
   * After the task is STOPPED, how long the log stream must stay quiet before
   * the output counts as complete, ms (default 3000): the awslogs driver ships
   * the container's last lines asynchronously.
   */
  logSettleMs?: number;
  /**
   * How long DescribeTasks / GetLogEvents may keep failing (network, throttling,
   * permissions) before the run is given up with the last error as its failure
   * reason, ms (default 900000, 15 minutes). The task itself is left alone.
   */
  giveUpAfterMs?: number;
  /** Endpoint of ECS and CloudWatch Logs (tests: moto); default: the SDK's resolution (AWS_ENDPOINT_URL_*, else AWS). */
  endpoint?: string;
  /** Clients to use instead of ones made from region and endpoint (credentials come from the SDK's default chain). */
  clients?: { ecs: ECSClient; logs: CloudWatchLogsClient };
  /** Receives errors of background polls (they are retried at the next interval). */
  onPollError?: (error: unknown, runId: string) => void;
}

/** `startedBy` of every task this launcher starts (ECS allows 128 characters; ListTasks filters on it). */
export const ECS_STARTED_BY = 'gantry-agent';

/** The size limit ECS puts on a RunTask's container overrides, characters of JSON. */
const MAX_OVERRIDES_CHARS = 8192;

const DEFAULT_GIVE_UP_AFTER_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The `ecs` launcher: each run is one ECS task (Fargate or EC2).
 *
 * - Task definition: one per code location version and settings, family
 *   `gantry-<org>-<deployment>-<location>` (see task-definition.ts), reused
 *   when already registered.
 * - RunTask: container overrides for `command`, `env` plus the Pipes bootstrap
 *   (`DAGSTER_PIPES_CONTEXT` = `{data: <context>}`, `DAGSTER_PIPES_MESSAGES` =
 *   `{stdio: "stdout"}`, both base64(zlib(JSON))) and `GANTRY_RUN_ID`, CPU and
 *   memory; the awsvpc network configuration; tags naming organization,
 *   deployment, code location (and version) and run.
 * - Output: the container's stdout and stderr, as the awslogs driver wrote them
 *   to CloudWatch Logs, delivered line by line as `stdout` (CloudWatch keeps no
 *   stream name), Pipes messages included.
 * - End: DescribeTasks until STOPPED, then the exit code and a clear platform
 *   failure reason (task-exit.ts).
 * - Stop: StopTask with a reason (ECS sends SIGTERM, then SIGKILL after the
 *   container's stop timeout).
 */
export class EcsLauncher implements RunLauncher {
  readonly kind = 'ecs' as const;
  private readonly ecs: ECSClient;
  private readonly logs: CloudWatchLogsClient;
  private readonly taskDefinitions: TaskDefinitionRegistry;
  private clusterChecked: Promise<void> | undefined;
  private readonly logGroupsChecked = new Map<string, Promise<void>>();

  constructor(private readonly options: EcsLauncherOptions) {
    const base = { region: options.region, ...(options.endpoint !== undefined && { endpoint: options.endpoint }) };
    this.ecs = options.clients?.ecs ?? new ECSClient(base);
    this.logs = options.clients?.logs ?? new CloudWatchLogsClient(base);
    this.taskDefinitions = new TaskDefinitionRegistry(this.ecs);
  }

  /**
   * Registers (or reuses) the task definition and starts the task.
   * Errors: EcsSettingsError for unusable settings; EcsLaunchError when the
   * cluster is unknown, the log group cannot be made, the overrides exceed
   * ECS's 8192-character limit, or RunTask is refused or reports failures.
   */
  async launch(request: RunLaunchRequest): Promise<LaunchedRun> {
    const settings = resolveEcsRunSettings(request.location, this.options.runDefaults);
    const organization = request.organization ?? this.options.organization?.();
    if (!organization) throw new EcsLaunchError(`run ${request.runId}: the agent's organization is not known yet (the control plane has not welcomed the agent)`);
    await this.checkCluster();
    await this.checkLogGroup(settings.logGroup);
    const taskDefinitionArn = await this.taskDefinitions.ensure(
      buildTaskDefinition(
        { organization, deployment: request.deployment, codeLocation: request.codeLocation, codeLocationVersion: request.codeLocationVersion },
        settings,
        this.options.region,
      ),
    );
    const input = this.runTaskInput(request, settings, organization, taskDefinitionArn);
    let task: Task | undefined;
    try {
      const answer = await this.ecs.send(new RunTaskCommand(input));
      const failures = answer.failures ?? [];
      if (failures.length > 0) {
        const text = failures.map((f) => [f.arn, f.reason, f.detail].filter(Boolean).join(': ')).join('; ');
        throw new EcsLaunchError(`ECS could not place the task of run ${request.runId} in cluster ${this.options.cluster}: ${text}`);
      }
      task = answer.tasks?.[0];
    } catch (error) {
      if (error instanceof EcsLaunchError) throw error;
      throw new EcsLaunchError(`ECS refused to start run ${request.runId} in cluster ${this.options.cluster}: ${describeAwsError(error)}`, { cause: error });
    }
    if (!task?.taskArn) throw new EcsLaunchError(`RunTask for run ${request.runId} returned no task`);
    return new EcsRun({
      ecs: this.ecs,
      logs: this.logs,
      cluster: this.options.cluster,
      runId: request.runId,
      taskArn: task.taskArn,
      taskDefinitionArn,
      follow: settings,
      pollIntervalMs: this.options.pollIntervalMs ?? 2000,
      logSettleMs: this.options.logSettleMs ?? 3000,
      giveUpAfterMs: this.options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS,
      onPollError: (error) => this.options.onPollError?.(error, request.runId),
    });
  }

  /**
   * Follows again the tasks an earlier agent started (`startedBy`
   * gantry-agent, RUNNING or recently STOPPED, tag `gantry.run` in
   * `positions`, tag `gantry.organization` equal to this agent's when known),
   * each from its output position; the context is read back from the task's
   * DAGSTER_PIPES_CONTEXT override. A task that cannot be read back (its
   * task definition or overrides) is skipped and reported to `onPollError`.
   * Errors: EcsLaunchError when the tasks cannot be listed.
   */
  async adopt(positions: OutputPositions): Promise<AdoptedRun[]> {
    if (positions.size === 0) return [];
    const { cluster } = this.options;
    const organization = this.options.organization?.();
    try {
      const arns = new Set<string>();
      for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
        let nextToken: string | undefined;
        do {
          const page = await this.ecs.send(new ListTasksCommand({ cluster, startedBy: ECS_STARTED_BY, desiredStatus, ...(nextToken && { nextToken }) }));
          for (const arn of page.taskArns ?? []) arns.add(arn);
          nextToken = page.nextToken;
        } while (nextToken);
      }
      const adopted: AdoptedRun[] = [];
      const all = [...arns];
      // DescribeTasks takes at most 100 tasks.
      for (let i = 0; i < all.length; i += 100) {
        const { tasks } = await this.ecs.send(new DescribeTasksCommand({ cluster, tasks: all.slice(i, i + 100), include: ['TAGS'] }));
        for (const task of tasks ?? []) {
          const tags = Object.fromEntries((task.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
          const runId = tags[GANTRY_TAGS.run];
          if (!runId || !positions.has(runId) || adopted.some((a) => a.runId === runId) || !task.taskArn || !task.taskDefinitionArn) continue;
          if (organization && tags[GANTRY_TAGS.organization] !== organization) continue;
          try {
            const follow = await this.followSettingsOf(task.taskDefinitionArn);
            const position = positions.get(runId);
            adopted.push({
              runId,
              deployment: tags[GANTRY_TAGS.deployment] ?? '',
              codeLocation: tags[GANTRY_TAGS.codeLocation] ?? '',
              codeLocationVersion: Number(tags[GANTRY_TAGS.codeLocationVersion] ?? 0),
              context: contextOf(task, runId),
              run: new EcsRun({
                ecs: this.ecs,
                logs: this.logs,
                cluster,
                runId,
                taskArn: task.taskArn,
                taskDefinitionArn: task.taskDefinitionArn,
                follow,
                ...(position && { startPosition: position }),
                pollIntervalMs: this.options.pollIntervalMs ?? 2000,
                logSettleMs: this.options.logSettleMs ?? 3000,
                giveUpAfterMs: this.options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS,
                onPollError: (error) => this.options.onPollError?.(error, runId),
              }),
            });
          } catch (error) {
            // One unreadable task (deregistered definition, edited overrides) must not keep the others from being adopted.
            this.options.onPollError?.(new EcsLaunchError(`cannot adopt task ${task.taskArn} of run ${runId}: ${describeAwsError(error)}`, { cause: error }), runId);
          }
        }
      }
      return adopted;
    } catch (error) {
      if (error instanceof EcsLaunchError) throw error;
      throw new EcsLaunchError(`cannot list the runs' tasks in ECS cluster ${cluster}: ${describeAwsError(error)}`, { cause: error });
    }
  }

  /** Container name, log settings, memory and image of a registered task definition (for adopted runs). */
  private async followSettingsOf(taskDefinitionArn: string): Promise<FollowSettings> {
    const { taskDefinition } = await this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }));
    const container = taskDefinition?.containerDefinitions?.[0];
    const options = container?.logConfiguration?.options ?? {};
    const group = options['awslogs-group'];
    const prefix = options['awslogs-stream-prefix'];
    if (!container?.name || !group || !prefix) throw new EcsLaunchError(`task definition ${taskDefinitionArn} has no awslogs container Gantry could follow`);
    const memory = Number(taskDefinition?.memory);
    const cpu = Number(taskDefinition?.cpu);
    return {
      containerName: container.name,
      ...(Number.isFinite(cpu) && cpu > 0 && { cpu }),
      logGroup: group,
      logStreamPrefix: prefix,
      ...(Number.isFinite(memory) && memory > 0 && { memory }),
      ...(container.image !== undefined && { image: container.image }),
    };
  }

  private runTaskInput(request: RunLaunchRequest, settings: ResolvedEcsRunSettings, organization: string, taskDefinition: string): RunTaskCommandInput {
    const environment = Object.entries({
      ...request.location.env,
      [PIPES_CONTEXT_ENV]: encodePipesParams({ data: request.context }),
      [PIPES_MESSAGES_ENV]: encodePipesParams({ stdio: 'stdout' }),
      GANTRY_RUN_ID: request.runId,
    }).map(([name, value]) => ({ name, value }));
    const container: ContainerOverride = {
      name: settings.containerName,
      command: request.location.command,
      environment,
      cpu: settings.cpu,
      memory: settings.memory,
    };
    const overridesChars = JSON.stringify([container]).length;
    if (overridesChars > MAX_OVERRIDES_CHARS) {
      throw new EcsLaunchError(
        `the container overrides of run ${request.runId} are ${overridesChars} characters (command, env and the Pipes context); ECS accepts at most ${MAX_OVERRIDES_CHARS}: shorten the code location's env or select fewer assets`,
      );
    }
    return {
      cluster: this.options.cluster,
      taskDefinition,
      count: 1,
      launchType: settings.launchType,
      ...(settings.platformVersion !== undefined && { platformVersion: settings.platformVersion }),
      ...(settings.networkMode === 'awsvpc' && {
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: settings.subnets,
            ...(settings.securityGroups.length > 0 && { securityGroups: settings.securityGroups }),
            assignPublicIp: settings.assignPublicIp ? 'ENABLED' : 'DISABLED',
          },
        },
      }),
      overrides: { containerOverrides: [container], cpu: String(settings.cpu), memory: String(settings.memory) },
      startedBy: ECS_STARTED_BY,
      tags: [
        { key: GANTRY_TAGS.organization, value: organization },
        { key: GANTRY_TAGS.deployment, value: request.deployment },
        { key: GANTRY_TAGS.codeLocation, value: request.codeLocation },
        { key: GANTRY_TAGS.codeLocationVersion, value: String(request.codeLocationVersion) },
        { key: GANTRY_TAGS.run, value: request.runId },
      ],
    };
  }

  /** Once per launcher (a failure is retried by the next launch): the cluster exists and is ACTIVE. */
  private checkCluster(): Promise<void> {
    this.clusterChecked ??= (async () => {
      const { cluster, region } = this.options;
      let answer;
      try {
        answer = await this.ecs.send(new DescribeClustersCommand({ clusters: [cluster] }));
      } catch (error) {
        if (error instanceof ClusterNotFoundException) throw new EcsLaunchError(`ECS cluster ${cluster} does not exist in ${region} (GANTRY_ECS_CLUSTER)`);
        throw new EcsLaunchError(`cannot describe ECS cluster ${cluster} in ${region}: ${describeAwsError(error)}`, { cause: error });
      }
      const found = answer.clusters?.find((c) => c.clusterName === cluster || c.clusterArn === cluster);
      if (!found) throw new EcsLaunchError(`ECS cluster ${cluster} does not exist in ${region} (GANTRY_ECS_CLUSTER)`);
      if (found.status !== 'ACTIVE') throw new EcsLaunchError(`ECS cluster ${cluster} in ${region} is ${found.status ?? 'not active'}, not ACTIVE`);
    })();
    const checked = this.clusterChecked;
    checked.catch(() => (this.clusterChecked = undefined));
    return checked;
  }

  /** Once per log group: it exists (created when missing), so the awslogs driver can write. */
  private checkLogGroup(logGroup: string): Promise<void> {
    let checked = this.logGroupsChecked.get(logGroup);
    if (!checked) {
      checked = (async () => {
        try {
          const found = await this.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroup }));
          if (found.logGroups?.some((g) => g.logGroupName === logGroup)) return;
          await this.logs.send(new CreateLogGroupCommand({ logGroupName: logGroup }));
        } catch (error) {
          if (error instanceof ResourceAlreadyExistsException) return;
          throw new EcsLaunchError(
            `cannot find or create CloudWatch Logs group ${logGroup} for the awslogs driver (create it, or allow logs:CreateLogGroup): ${describeAwsError(error)}`,
            { cause: error },
          );
        }
      })();
      checked.catch(() => this.logGroupsChecked.delete(logGroup));
      this.logGroupsChecked.set(logGroup, checked);
    }
    return checked;
  }
}

/** The task definition fields a run is followed with (from the settings at launch, from the task definition on adoption). */
interface FollowSettings {
  containerName: string;
  logGroup: string;
  logStreamPrefix: string;
  /** Task CPU units (1024 = 1 vCPU). */
  cpu?: number;
  /** Task memory, MiB. */
  memory?: number;
  image?: string;
}

/** The Pipes context a task was started with, read back from its DAGSTER_PIPES_CONTEXT override (`{data: context}`). */
function contextOf(task: Task, runId: string): PipesContextData {
  const env = task.overrides?.containerOverrides?.[0]?.environment ?? [];
  const encoded = env.find((e) => e.name === PIPES_CONTEXT_ENV)?.value;
  if (!encoded) throw new EcsLaunchError(`task ${task.taskArn ?? '?'} of run ${runId} has no ${PIPES_CONTEXT_ENV} override`);
  const params = decodePipesParams(encoded);
  return params['data'] as PipesContextData;
}

/** What one {@link EcsRun} follows. */
interface EcsRunOptions {
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  cluster: string;
  runId: string;
  taskArn: string;
  taskDefinitionArn: string;
  follow: FollowSettings;
  /** Output position to resume from (adoption); default: the head of the stream. */
  startPosition?: string;
  pollIntervalMs: number;
  logSettleMs: number;
  giveUpAfterMs: number;
  onPollError: (error: unknown) => void;
}

/** How many DescribeTasks in a row may answer MISSING before the run is given up (ECS lists a new task after a delay). */
const MISSING_LIMIT = 5;

/** One started task: polls its log stream and its status until it stopped and its output was read. */
class EcsRun implements LaunchedRun {
  readonly handle: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly exited: Promise<RunExit>;
  private readonly listeners: ((stream: 'stdout' | 'stderr', chunk: Buffer) => void)[] = [];
  private readonly pending: Buffer[] = [];
  private readonly tail: CloudWatchLogTail;
  private stopRequested = false;
  private following = true;
  /** Task CPU units and memory MiB as DescribeTasks last reported them (the task size overrides included). */
  private taskSize: { cpu?: number; memory?: number; startedAtMs?: number } = {};
  private wake: (() => void) | undefined;

  constructor(private readonly o: EcsRunOptions) {
    this.handle = o.taskArn;
    const taskId = o.taskArn.split('/').pop() ?? o.taskArn;
    // The awslogs driver's stream name: <prefix>/<container name>/<task id>.
    const logStream = `${o.follow.logStreamPrefix}/${o.follow.containerName}/${taskId}`;
    this.details = { cluster: o.cluster, taskArn: o.taskArn, taskDefinitionArn: o.taskDefinitionArn, logGroup: o.follow.logGroup, logStream };
    this.tail = new CloudWatchLogTail({
      logs: o.logs,
      logGroup: o.follow.logGroup,
      logStream,
      onMessage: (m) => this.deliver(m),
      ...(o.startPosition && { startPosition: o.startPosition }),
    });
    this.exited = this.follow();
  }

  onOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): void {
    this.listeners.push(listener);
    // Lines read before anyone listened are handed over now, in order.
    for (const chunk of this.pending.splice(0)) listener('stdout', chunk);
  }

  async stop(force: boolean): Promise<void> {
    if (this.stopRequested && !force) return;
    this.stopRequested = true;
    const reason = `${GANTRY_STOP_PREFIX}${this.o.runId} canceled${force ? ' (forced)' : ''}`;
    try {
      await this.o.ecs.send(new StopTaskCommand({ cluster: this.o.cluster, task: this.o.taskArn, reason }));
    } catch (error) {
      throw new EcsLaunchError(`StopTask of ${this.o.taskArn} for run ${this.o.runId} failed: ${describeAwsError(error)}`, { cause: error });
    }
    this.wake?.();
  }

  async cleanup(): Promise<void> {
    this.following = false;
    this.wake?.();
  }

  outputPosition(): string {
    return this.tail.position;
  }

  /**
   * The task's size: CPU units / 1024 vCPUs and memory MiB / 1024 GB, as
   * DescribeTasks last reported them, else the task definition's (also for
   * an adopted task); startedAtMs from the task's `startedAt` (else
   * `createdAt`). Undefined when neither size is known.
   */
  reservation(): RunReservation | undefined {
    const cpu = this.taskSize.cpu ?? this.o.follow.cpu;
    const memory = this.taskSize.memory ?? this.o.follow.memory;
    if (cpu === undefined && memory === undefined) return undefined;
    return {
      vcpu: (cpu ?? 0) / 1024,
      memoryGb: (memory ?? 0) / 1024,
      ...(this.taskSize.startedAtMs !== undefined && { startedAtMs: this.taskSize.startedAtMs }),
    };
  }

  private noteTaskSize(task: Task): void {
    const units = (v: string | undefined): number | undefined => {
      const n = Number(v);
      return v !== undefined && v !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
    };
    const cpu = units(task.cpu) ?? units(task.overrides?.cpu);
    const memory = units(task.memory) ?? units(task.overrides?.memory);
    const started = task.startedAt ?? task.createdAt;
    const startedAtMs = started ? new Date(started).getTime() : Number.NaN;
    this.taskSize = {
      ...(cpu !== undefined ? { cpu } : this.taskSize.cpu !== undefined && { cpu: this.taskSize.cpu }),
      ...(memory !== undefined ? { memory } : this.taskSize.memory !== undefined && { memory: this.taskSize.memory }),
      ...(Number.isFinite(startedAtMs) ? { startedAtMs } : this.taskSize.startedAtMs !== undefined && { startedAtMs: this.taskSize.startedAtMs }),
    };
  }

  detach(): void {
    this.following = false;
    this.wake?.();
  }

  private deliver(message: string): void {
    const chunk = Buffer.from(`${message}\n`, 'utf8');
    if (this.listeners.length === 0) this.pending.push(chunk);
    else for (const l of this.listeners) l('stdout', chunk);
  }

  /** Sleeps one interval, or less when stop/cleanup/detach wakes it. */
  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async follow(): Promise<RunExit> {
    let missing = 0;
    let failingSince: number | undefined;
    while (this.following) {
      let lastError: unknown = (await this.pollLogs()).error;
      let task: Task | undefined;
      try {
        // With tags, as every DescribeTasks here: moto 5.2 keeps include/exclude of tags in state shared across requests, so mixed calls race.
        const answer = await this.o.ecs.send(new DescribeTasksCommand({ cluster: this.o.cluster, tasks: [this.o.taskArn], include: ['TAGS'] }));
        task = answer.tasks?.find((t) => t.taskArn === this.o.taskArn);
        missing = task ? 0 : missing + 1;
        if (task) this.noteTaskSize(task);
      } catch (error) {
        this.o.onPollError(error);
        lastError = error;
      }
      if (lastError === undefined) failingSince = undefined;
      else {
        failingSince ??= Date.now();
        if (Date.now() - failingSince >= this.o.giveUpAfterMs) {
          return {
            code: null,
            reason: `lost contact with ECS / CloudWatch Logs for ${Math.round((Date.now() - failingSince) / 1000)} s (last error: ${describeAwsError(lastError)}); task ${this.o.taskArn} may still be running`,
          };
        }
      }
      if (missing >= MISSING_LIMIT) {
        await this.drainLogs();
        return { code: null, reason: `ECS no longer knows task ${this.o.taskArn} of run ${this.o.runId} (DescribeTasks answered MISSING ${MISSING_LIMIT} times)` };
      }
      if (task?.lastStatus === 'STOPPED') {
        await this.drainLogs();
        return exitOfStoppedTask(task, {
          containerName: this.o.follow.containerName,
          ...(this.o.follow.memory !== undefined && { memoryMiB: this.o.follow.memory }),
          ...(this.o.follow.image !== undefined && { image: this.o.follow.image }),
          stoppedByGantry: this.stopRequested,
        });
      }
      if (!this.following) break;
      await this.pause(this.o.pollIntervalMs);
    }
    // Detached or cleaned up: the run goes on without us; `exited` stays pending by contract.
    return new Promise<RunExit>(() => undefined);
  }

  private async pollLogs(): Promise<{ delivered: number; error?: unknown }> {
    try {
      return { delivered: await this.tail.poll() };
    } catch (error) {
      this.o.onPollError(error);
      return { delivered: 0, error };
    }
  }

  /** Reads until the stream stayed quiet for the settle time after the stop (awslogs ships the last lines late). */
  private async drainLogs(): Promise<void> {
    for (;;) {
      await this.pollLogs();
      await sleep(this.o.logSettleMs);
      // A failing read ends the drain too: the exit matters more than a last line.
      if ((await this.pollLogs()).delivered === 0) return;
    }
  }
}
