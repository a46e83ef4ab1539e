import { BatchV1Api, KubeConfig, type V1Job } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubernetesRunSettings } from '@gantry/code-location';
import { createPipesContextData, decodePipesParams, PIPES_CONTEXT_ENV, validatePipesContextData } from '@gantry/pipes';
import type { AdoptedRun, LaunchedRun, OutputPositions, RunLauncher, RunLaunchRequest } from '../run-launcher';
import { agentLabels, buildRunJob, KubernetesLaunchError, RUN_CONTAINER } from './job-manifest';
import { KubernetesRun, type KubernetesOutputPosition } from './kubernetes-run';
import { ANNOTATIONS, LABELS, labelSelector } from './labels';
import type { LogCursor } from './log-cursor';
import { apiErrorCode, apiErrorText } from './pod-status';
import { effectiveRunSettings } from './run-settings';

/** Options of {@link KubernetesRunLauncher}. */
export interface KubernetesRunLauncherOptions {
  /** Cluster access (default: `KubeConfig.loadFromDefault()`: in-cluster service account, else KUBECONFIG / ~/.kube/config). */
  kubeConfig?: KubeConfig;
  /** Namespace of run Jobs unless the run's settings name one (GANTRY_K8S_NAMESPACE). */
  namespace: string;
  /** Settings under every location's (GANTRY_K8S_RUN_DEFAULTS). */
  runDefaults: KubernetesRunSettings;
  /** The agent's name, labelled on its Jobs so a restarted agent finds them. */
  agentName: string;
  logger: Logger;
  /** How long a run's pod may stay unschedulable before the run fails, ms (default 300000). */
  unschedulableTimeoutMs?: number;
  /** How long the log may take to end after the container ended, ms (default 10000). */
  logEndGraceMs?: number;
}

/**
 * The {@link RunLauncher} of `GANTRY_AGENT_LAUNCHER=kubernetes`: each run is a
 * batch/v1 Job (see {@link buildRunJob}) created through
 * `@kubernetes/client-node`, followed by a {@link KubernetesRun}. Runs outlive
 * the agent: {@link adopt} lists this agent's Jobs by label and follows the
 * ones the agent's spool still knows, from where their output was left.
 */
export class KubernetesRunLauncher implements RunLauncher {
  readonly kind = 'kubernetes' as const;
  private readonly kubeConfig: KubeConfig;
  private readonly batch: BatchV1Api;

  constructor(private readonly options: KubernetesRunLauncherOptions) {
    this.kubeConfig = options.kubeConfig ?? defaultKubeConfig();
    this.batch = this.kubeConfig.makeApiClient(BatchV1Api);
  }

  /** Errors: KubernetesLaunchError naming the location (no image) or the API's refusal. */
  async launch(request: RunLaunchRequest): Promise<LaunchedRun> {
    const settings = effectiveRunSettings(this.options.runDefaults, request.location, request.assetKeys);
    const namespace = settings.namespace ?? this.options.namespace;
    const job = buildRunJob(request, settings, this.options.agentName);
    const name = job.metadata!.name!;
    try {
      await this.batch.createNamespacedJob({ namespace, body: job });
    } catch (error) {
      const hint = apiErrorCode(error) === 403 ? ' (may the agent\'s service account create Jobs in that namespace?)' : '';
      throw new KubernetesLaunchError(`could not create Job ${namespace}/${name} for run ${request.runId}: ${apiErrorText(error)}${hint}`, { cause: error });
    }
    return this.follow(namespace, name, job.metadata!.labels![LABELS.run]!, { count: 0 });
  }

  /**
   * Lists this agent's Jobs (labels `app.kubernetes.io/managed-by=gantry-agent`,
   * `gantry.dev/agent=<name>`) in the agent's namespace and every namespace a
   * known run's position names, and follows each Job whose run is in
   * `positions`. Errors: KubernetesLaunchError when a namespace cannot be listed.
   */
  async adopt(positions: OutputPositions): Promise<AdoptedRun[]> {
    const namespaces = new Set([this.options.namespace]);
    const parsed = new Map<string, KubernetesOutputPosition | undefined>();
    for (const [runId, text] of positions) {
      const position = parsePosition(text);
      parsed.set(runId, position);
      if (position) namespaces.add(position.namespace);
    }
    const adopted: AdoptedRun[] = [];
    for (const namespace of namespaces) {
      let jobs: V1Job[];
      try {
        jobs = (await this.batch.listNamespacedJob({ namespace, labelSelector: labelSelector(agentLabels(this.options.agentName)) })).items;
      } catch (error) {
        throw new KubernetesLaunchError(`could not list the agent's Jobs in namespace ${namespace}: ${apiErrorText(error)}`, { cause: error });
      }
      for (const job of jobs) {
        const annotations = job.metadata?.annotations ?? {};
        const runId = annotations[ANNOTATIONS.runId];
        const name = job.metadata?.name;
        if (!runId || !name) continue;
        if (!parsed.has(runId)) {
          this.options.logger.warn({ job: `${namespace}/${name}`, runId }, 'a Job of this agent whose run the spool does not know; leaving it alone');
          continue;
        }
        const position = parsed.get(runId);
        const cursor = position && position.namespace === namespace && position.job === name ? position.cursor : { count: 0 };
        adopted.push({
          runId,
          deployment: annotations[ANNOTATIONS.deployment] ?? '',
          codeLocation: annotations[ANNOTATIONS.codeLocation] ?? '',
          codeLocationVersion: Number(annotations[ANNOTATIONS.codeLocationVersion] ?? 0) || 0,
          context: contextOf(job, runId),
          ...(job.spec?.activeDeadlineSeconds !== undefined && { timeoutSeconds: job.spec.activeDeadlineSeconds }),
          run: this.follow(namespace, name, job.metadata?.labels?.[LABELS.run] ?? '', cursor),
        });
      }
    }
    return adopted;
  }

  private follow(namespace: string, jobName: string, runLabel: string, startCursor: LogCursor): KubernetesRun {
    const run = new KubernetesRun({
      kubeConfig: this.kubeConfig,
      batch: this.batch,
      namespace,
      jobName,
      runLabel,
      startCursor,
      unschedulableTimeoutMs: this.options.unschedulableTimeoutMs ?? 300_000,
      logEndGraceMs: this.options.logEndGraceMs ?? 10_000,
      logger: this.options.logger,
    });
    run.start();
    return run;
  }
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

function parsePosition(text: string): KubernetesOutputPosition | undefined {
  try {
    const value = JSON.parse(text) as Partial<KubernetesOutputPosition>;
    const cursor = value.cursor;
    const cursorOk = typeof cursor === 'object' && cursor !== null && typeof cursor.count === 'number' && (cursor.since === undefined || typeof cursor.since === 'string');
    if (typeof value.namespace === 'string' && typeof value.job === 'string' && cursorOk) return value as KubernetesOutputPosition;
  } catch {
    // An empty or foreign position: follow from the start.
  }
  return undefined;
}

/** The Pipes context the Job was launched with (its container's DAGSTER_PIPES_CONTEXT `{data}`), or a minimal one. */
function contextOf(job: V1Job, runId: string) {
  const container = job.spec?.template.spec?.containers.find((c) => c.name === RUN_CONTAINER);
  const encoded = container?.env?.find((e) => e.name === PIPES_CONTEXT_ENV)?.value;
  if (encoded) {
    try {
      return validatePipesContextData(decodePipesParams(encoded)['data']);
    } catch {
      // Fall through: a Job edited by hand still gets followed.
    }
  }
  return createPipesContextData({ run_id: runId });
}
