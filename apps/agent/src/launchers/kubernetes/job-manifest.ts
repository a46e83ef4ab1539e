import type { V1Job } from '@kubernetes/client-node';
import type { KubernetesRunSettings } from '@gantry/code-location';
import { encodePipesParams, PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV } from '@gantry/pipes';
import type { RunLaunchRequest } from '../run-launcher';
import { ANNOTATIONS, jobNameFor, LABELS, MANAGED_BY, toLabelValue } from './labels';

/** Name of the one container of a run pod. */
export const RUN_CONTAINER = 'run';

/** Raised when a run cannot become a Job (no image, a bad setting); the run fails with the message. */
export class KubernetesLaunchError extends Error {
  readonly code = 'KUBERNETES_LAUNCH_FAILED';
}

/** Labels selecting every Job of one agent (what adoption lists). */
export function agentLabels(agentName: string): Record<string, string> {
  return { [LABELS.managedBy]: MANAGED_BY, [LABELS.agent]: toLabelValue(agentName) };
}

/**
 * The batch/v1 Job of one run. Pipes over the log stream: the context goes
 * inline (`DAGSTER_PIPES_CONTEXT` = `{data: <context>}`) and messages go to
 * stdout (`DAGSTER_PIPES_MESSAGES` = `{stdio: "stdout"}`), both
 * base64(zlib(JSON)) as dagster-pipes expects. `backoffLimit: 0` (a failed
 * pod fails the run; Gantry retries at the run level), `activeDeadlineSeconds`
 * = the location's timeout, `restartPolicy: Never`.
 * Errors: KubernetesLaunchError when no image is configured.
 */
export function buildRunJob(request: RunLaunchRequest, settings: KubernetesRunSettings, agentName: string): V1Job {
  const image = settings.image;
  if (!image) {
    throw new KubernetesLaunchError(
      `code location ${request.deployment}/${request.codeLocation} has no container image for the kubernetes launcher: set kubernetes.image in its gantry.yaml, or image in GANTRY_K8S_RUN_DEFAULTS`,
    );
  }
  const labels: Record<string, string> = {
    ...agentLabels(agentName),
    [LABELS.deployment]: toLabelValue(request.deployment),
    [LABELS.codeLocation]: toLabelValue(request.codeLocation),
    [LABELS.run]: toLabelValue(request.runId),
    ...(request.organization && { [LABELS.organization]: toLabelValue(request.organization) }),
  };
  const annotations = {
    [ANNOTATIONS.runId]: request.runId,
    [ANNOTATIONS.deployment]: request.deployment,
    [ANNOTATIONS.codeLocation]: request.codeLocation,
    [ANNOTATIONS.codeLocationVersion]: String(request.codeLocationVersion),
  };
  const env = [
    ...Object.entries(request.location.env).map(([name, value]) => ({ name, value })),
    { name: PIPES_CONTEXT_ENV, value: encodePipesParams({ data: request.context }) },
    { name: PIPES_MESSAGES_ENV, value: encodePipesParams({ stdio: 'stdout' }) },
    { name: 'GANTRY_RUN_ID', value: request.runId },
  ];
  const stringQuantities = (q: Record<string, string | number> | undefined) => (q ? Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)])) : undefined);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobNameFor(request.runId), labels, annotations },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: request.location.timeoutSeconds,
      ...(settings.ttlSecondsAfterFinished !== undefined && { ttlSecondsAfterFinished: settings.ttlSecondsAfterFinished }),
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          ...(settings.serviceAccountName && { serviceAccountName: settings.serviceAccountName }),
          ...(settings.nodeSelector && { nodeSelector: settings.nodeSelector }),
          ...(settings.tolerations && { tolerations: settings.tolerations }),
          ...(settings.imagePullSecrets && { imagePullSecrets: settings.imagePullSecrets.map((name) => ({ name })) }),
          containers: [
            {
              name: RUN_CONTAINER,
              image,
              ...(settings.imagePullPolicy && { imagePullPolicy: settings.imagePullPolicy }),
              command: request.location.command,
              env,
              ...(settings.envFromSecrets && { envFrom: settings.envFromSecrets.map((name) => ({ secretRef: { name } })) }),
              ...(settings.resources && {
                resources: {
                  ...(settings.resources.requests && { requests: stringQuantities(settings.resources.requests) }),
                  ...(settings.resources.limits && { limits: stringQuantities(settings.resources.limits) }),
                },
              }),
            },
          ],
        },
      },
    },
  };
}
