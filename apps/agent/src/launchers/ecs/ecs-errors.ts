/**
 * Raised when a code location's `ecs:` settings, merged with the agent's
 * GANTRY_ECS_RUN_DEFAULTS, cannot describe a task (no image, no subnets for
 * awsvpc, a network mode the launch type does not allow). The message names
 * the code location and the missing or conflicting field.
 */
export class EcsSettingsError extends Error {
  override readonly name = 'EcsSettingsError';
  readonly code = 'ECS_SETTINGS_INVALID';
}

/**
 * Raised when ECS or CloudWatch Logs refused a step of a launch (unknown
 * cluster, RunTask failures, a rejected task definition, missing permissions).
 * The message names the step and carries the AWS error's name and message;
 * `cause` is the SDK error when there was one.
 */
export class EcsLaunchError extends Error {
  override readonly name = 'EcsLaunchError';
  readonly code = 'ECS_LAUNCH_FAILED';
}

/** `ErrorName: message` of an AWS SDK error (or any error), for messages that say what AWS answered. */
export function describeAwsError(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
