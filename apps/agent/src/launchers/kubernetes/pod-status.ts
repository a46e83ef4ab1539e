import { ApiException, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { RUN_CONTAINER } from './job-manifest';

/** Waiting reasons of a container whose image cannot be pulled (kubelet `images` package). */
const IMAGE_PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);
/** Waiting reasons of a container that cannot be created from its spec (missing Secret or ConfigMap…). */
const CONFIG_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError']);

const runContainer = (pod: V1Pod) => pod.status?.containerStatuses?.find((c) => c.name === RUN_CONTAINER) ?? pod.status?.containerStatuses?.[0];

/**
 * A failure that keeps the run's pod from ever running, read from core/v1
 * Pod status: an image that cannot be pulled (`image pull failed: …`) or a
 * container that cannot be created (`container could not be created: …`).
 * Undefined when there is none (yet).
 */
export function podStartFailure(pod: V1Pod): string | undefined {
  const status = runContainer(pod);
  const waiting = status?.state?.waiting;
  if (!waiting?.reason) return undefined;
  const detail = waiting.message ? `: ${waiting.message}` : '';
  if (IMAGE_PULL_REASONS.has(waiting.reason)) return `image pull failed for ${JSON.stringify(status?.image ?? pod.spec?.containers[0]?.image ?? '')} (${waiting.reason})${detail}`;
  if (CONFIG_REASONS.has(waiting.reason)) return `container could not be created (${waiting.reason})${detail}`;
  return undefined;
}

/** `unschedulable: <scheduler message>` while the pod's PodScheduled condition is False with reason Unschedulable. */
export function podUnschedulable(pod: V1Pod): string | undefined {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status !== 'False' || scheduled.reason !== 'Unschedulable') return undefined;
  return `pod ${pod.metadata?.name ?? ''} is unschedulable: ${scheduled.message ?? 'no node fits it'}`;
}

/** True once the run container runs or ran (its log can be read). */
export function containerStarted(pod: V1Pod): boolean {
  const state = runContainer(pod)?.state;
  return state?.running !== undefined || state?.terminated !== undefined;
}

/** How the run container ended, once it did: exit code and, for an OOM kill, a reason naming the memory limit. */
export function containerTermination(pod: V1Pod): { code: number | null; reason?: string } | undefined {
  const terminated = runContainer(pod)?.state?.terminated;
  if (!terminated) return undefined;
  if (terminated.reason === 'OOMKilled') {
    const limit = pod.spec?.containers.find((c) => c.name === RUN_CONTAINER)?.resources?.limits?.['memory'];
    return {
      code: terminated.exitCode,
      reason: `OOMKilled: container ${JSON.stringify(RUN_CONTAINER)} of pod ${pod.metadata?.name ?? ''} ran out of memory (limit ${limit ?? 'none set'}) and was killed (exit code ${terminated.exitCode})`,
    };
  }
  return { code: terminated.exitCode };
}

/** `deadline exceeded: …` when the Job failed with reason DeadlineExceeded (batch/v1 JobCondition). */
export function jobDeadlineExceeded(job: V1Job): string | undefined {
  const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed?.reason !== 'DeadlineExceeded') return undefined;
  return `deadline exceeded: Job ${job.metadata?.name ?? ''} ran longer than its activeDeadlineSeconds (${job.spec?.activeDeadlineSeconds ?? '?'} s)${failed.message ? `: ${failed.message}` : ''}`;
}

/** The Job's terminal condition, when it has one. */
export function jobFinished(job: V1Job): 'Complete' | 'Failed' | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

/** A readable `HTTP <code>: <Status.message>` of an API error (client-node ApiException, whose body is the Status JSON or its text). */
export function apiErrorText(error: unknown): string {
  if (error instanceof ApiException) {
    let body: unknown = error.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        return `HTTP ${error.code}: ${body}`;
      }
    }
    const message = typeof body === 'object' && body !== null && 'message' in body ? String((body as { message: unknown }).message) : 'no detail';
    return `HTTP ${error.code}: ${message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The HTTP status of an API error, when it is one. */
export function apiErrorCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}
