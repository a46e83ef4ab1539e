import type { Task } from '@aws-sdk/client-ecs';

/** How an ECS run ended: the same shape as the launchers' `RunExit`. */
export interface EcsTaskExit {
  /** Exit code of the run's container; null when it never ran or ECS did not report one. */
  code: number | null;
  /** Why the platform, not the customer code, ended the run; absent for an ordinary exit. */
  reason?: string;
}

/** What {@link exitOfStoppedTask} needs besides the task. */
export interface TaskExitContext {
  /** Name of the run's container in the task definition. */
  containerName: string;
  /** Task memory, MiB (named in the out-of-memory message). */
  memoryMiB?: number;
  /** Image (named in the pull-failure message). */
  image?: string;
  /** True when Gantry itself called StopTask (cancel): that stop is not a platform failure. */
  stoppedByGantry?: boolean;
}

/** Start of the reason Gantry passes to StopTask (ecs-launcher.ts). */
export const GANTRY_STOP_PREFIX = 'Gantry: run ';

/** `stoppedReason` ECS gives when the essential container exited on its own. */
const ESSENTIAL_EXITED = 'Essential container in task exited';

/**
 * Turns a STOPPED task (DescribeTasks) into an exit: the run container's exit
 * code, and a failure reason when ECS's `stopCode`, `stoppedReason` or the
 * container's `reason` say the platform stopped it. Known errors (names as in
 * the ECS guide "Amazon ECS stopped task error messages") get a message saying
 * what to change: OutOfMemoryError, CannotPullContainerError,
 * ResourceInitializationError, CannotStartContainerError /
 * CannotCreateContainerError, TaskFailedToStart, SpotInterruption /
 * TerminationNotice, and a StopTask from outside Gantry. Pure.
 */
export function exitOfStoppedTask(task: Task, ctx: TaskExitContext): EcsTaskExit {
  const container = task.containers?.find((c) => c.name === ctx.containerName) ?? task.containers?.[0];
  const code = typeof container?.exitCode === 'number' ? container.exitCode : null;
  const stopped = (task.stoppedReason ?? '').trim();
  const containerReason = (container?.reason ?? '').trim();
  const detail = [containerReason, stopped].filter((t) => t !== '').join('; ');
  const mentions = (name: string) => containerReason.includes(name) || stopped.includes(name);
  const taskId = task.taskArn?.split('/').pop() ?? 'unknown';
  const fail = (reason: string): EcsTaskExit => ({ code, reason: `${reason} (ECS task ${taskId})` });

  if (mentions('OutOfMemoryError')) {
    return fail(`the container ran out of memory${ctx.memoryMiB ? ` (task memory ${ctx.memoryMiB} MiB; raise ecs.memory)` : ''}: ${detail}`);
  }
  if (mentions('CannotPullContainerError')) {
    return fail(`ECS could not pull the image${ctx.image ? ` ${ctx.image}` : ''} (check ecs.image, the execution role's registry access and the subnet's route to the registry): ${detail}`);
  }
  if (mentions('ResourceInitializationError')) {
    return fail(`ECS could not prepare the task (check ecs.executionRoleArn, the log group and network access from the subnets): ${detail}`);
  }
  if (mentions('CannotStartContainerError') || mentions('CannotCreateContainerError')) {
    return fail(`the container could not start: ${detail}`);
  }
  if (task.stopCode === 'TaskFailedToStart') return fail(`the ECS task failed to start: ${detail || 'no reason given'}`);
  if (task.stopCode === 'SpotInterruption' || task.stopCode === 'TerminationNotice') {
    return fail(`AWS reclaimed the capacity the task ran on (${task.stopCode}): ${detail || 'no reason given'}`);
  }
  // A Gantry StopTask reason also marks stops an earlier agent process asked for (adopted runs).
  if (ctx.stoppedByGantry || stopped.startsWith(GANTRY_STOP_PREFIX)) return { code };
  const essentialExited = task.stopCode === 'EssentialContainerExited' || stopped.startsWith(ESSENTIAL_EXITED) || stopped === '';
  if (!essentialExited) return fail(`the ECS task was stopped outside Gantry: ${detail}`);
  if (code === null) return fail(`the run's container stopped without an exit code: ${detail || 'no reason given'}`);
  return { code };
}
