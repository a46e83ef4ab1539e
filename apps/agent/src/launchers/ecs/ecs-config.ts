import { ecsRunSettingsSchema, type EcsRunSettings } from '@gantry/code-location';

/** Agent-wide settings of the ECS launcher, read from the environment at boot. */
export interface EcsAgentConfig {
  /** Cluster name or ARN the run tasks are started in (GANTRY_ECS_CLUSTER, required). */
  cluster: string;
  /** AWS region of the cluster and its log groups (AWS_REGION, else AWS_DEFAULT_REGION; required). */
  region: string;
  /**
   * Defaults for every code location's `ecs:` section (GANTRY_ECS_RUN_DEFAULTS,
   * a JSON object with the fields of `ecsRunSettingsSchema`; default `{}`).
   * A code location's own value wins field by field.
   */
  runDefaults: EcsRunSettings;
  /** Interval between DescribeTasks / GetLogEvents polls of a run, ms (GANTRY_ECS_POLL_INTERVAL_MS, default 2000). */
  pollIntervalMs: number;
}

/**
 * Reads the ECS launcher's variables (see {@link EcsAgentConfig}); credentials
 * are left to the AWS SDK's standard chain (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE, web identity, the
 * ECS task role). Pushes one message per invalid variable onto `problems`,
 * each naming the variable, and returns undefined when there was any.
 */
export function readEcsAgentConfig(env: Record<string, string | undefined>, problems: string[]): EcsAgentConfig | undefined {
  const before = problems.length;
  const cluster = env['GANTRY_ECS_CLUSTER']?.trim() ?? '';
  if (!cluster) problems.push('GANTRY_ECS_CLUSTER is required with GANTRY_AGENT_LAUNCHER=ecs (name or ARN of the ECS cluster runs start in)');
  const region = env['AWS_REGION']?.trim() || env['AWS_DEFAULT_REGION']?.trim() || '';
  if (!region) problems.push('AWS_REGION is required with GANTRY_AGENT_LAUNCHER=ecs (region of the ECS cluster, for example eu-west-1)');
  let runDefaults: EcsRunSettings = {};
  const defaultsText = env['GANTRY_ECS_RUN_DEFAULTS']?.trim();
  if (defaultsText) {
    let raw: unknown;
    try {
      raw = JSON.parse(defaultsText);
    } catch (error) {
      problems.push(`GANTRY_ECS_RUN_DEFAULTS is not valid JSON: ${(error as Error).message}`);
    }
    if (raw !== undefined) {
      const parsed = ecsRunSettingsSchema.safeParse(raw);
      if (parsed.success) runDefaults = parsed.data;
      else problems.push(`GANTRY_ECS_RUN_DEFAULTS: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
  }
  const pollText = env['GANTRY_ECS_POLL_INTERVAL_MS']?.trim() || '2000';
  const pollIntervalMs = Number(pollText);
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 100) problems.push('GANTRY_ECS_POLL_INTERVAL_MS must be an integer of at least 100');
  if (problems.length > before) return undefined;
  return { cluster, region, runDefaults, pollIntervalMs };
}
