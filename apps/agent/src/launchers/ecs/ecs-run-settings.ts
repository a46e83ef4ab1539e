import type { CodeLocationDefinition, EcsRunSettings } from '@gantry/code-location';
import { EcsSettingsError } from './ecs-errors';

/** The settings of one code location's tasks, defaults applied and checked. */
export interface ResolvedEcsRunSettings {
  image: string;
  /** Task CPU units (1024 = 1 vCPU). */
  cpu: number;
  /** Task memory, MiB. */
  memory: number;
  taskRoleArn?: string;
  executionRoleArn?: string;
  launchType: 'FARGATE' | 'EC2';
  networkMode: 'awsvpc' | 'bridge' | 'host';
  /** Non-empty when `networkMode` is `awsvpc`. */
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
  logGroup: string;
  logStreamPrefix: string;
  /** Fargate platform version; undefined on EC2. */
  platformVersion?: string;
  containerName: string;
}

/** Defaults applied when neither the code location nor GANTRY_ECS_RUN_DEFAULTS set a field. */
export const ECS_SETTING_DEFAULTS = {
  cpu: 1024,
  memory: 2048,
  launchType: 'FARGATE',
  logGroup: '/gantry/runs',
  logStreamPrefix: 'gantry',
  containerName: 'run',
  platformVersion: 'LATEST',
} as const;

/**
 * Merges a code location's `ecs:` section over the agent's defaults (field by
 * field, the location wins) and checks that the result can run.
 * Errors: EcsSettingsError naming the code location and every problem: no
 * `image`; `awsvpc` without `subnets`; Fargate with a network mode other than
 * `awsvpc`.
 */
export function resolveEcsRunSettings(location: Pick<CodeLocationDefinition, 'name' | 'deployment' | 'ecs'>, defaults: EcsRunSettings): ResolvedEcsRunSettings {
  const s: EcsRunSettings = { ...defaults, ...definedFields(location.ecs ?? {}) };
  const where = `code location ${location.deployment}/${location.name}`;
  const problems: string[] = [];
  const launchType = s.launchType ?? ECS_SETTING_DEFAULTS.launchType;
  const networkMode = s.networkMode ?? 'awsvpc';
  if (!s.image) problems.push('ecs.image is missing (set it in gantry.yaml or in GANTRY_ECS_RUN_DEFAULTS)');
  if (launchType === 'FARGATE' && networkMode !== 'awsvpc') problems.push(`ecs.networkMode ${networkMode} is not allowed on FARGATE, which needs awsvpc`);
  if (networkMode === 'awsvpc' && (s.subnets ?? []).length === 0) {
    problems.push('ecs.subnets is missing: awsvpc tasks need at least one subnet (set it in gantry.yaml or in GANTRY_ECS_RUN_DEFAULTS)');
  }
  if (problems.length > 0 || !s.image) throw new EcsSettingsError(`${where} cannot run on ECS: ${problems.join('; ')}`);
  return {
    image: s.image,
    cpu: s.cpu ?? ECS_SETTING_DEFAULTS.cpu,
    memory: s.memory ?? ECS_SETTING_DEFAULTS.memory,
    ...(s.taskRoleArn !== undefined && { taskRoleArn: s.taskRoleArn }),
    ...(s.executionRoleArn !== undefined && { executionRoleArn: s.executionRoleArn }),
    launchType,
    networkMode,
    subnets: s.subnets ?? [],
    securityGroups: s.securityGroups ?? [],
    assignPublicIp: s.assignPublicIp ?? false,
    logGroup: s.logGroup ?? ECS_SETTING_DEFAULTS.logGroup,
    logStreamPrefix: s.logStreamPrefix ?? ECS_SETTING_DEFAULTS.logStreamPrefix,
    ...(launchType === 'FARGATE' && { platformVersion: s.platformVersion ?? ECS_SETTING_DEFAULTS.platformVersion }),
    containerName: s.containerName ?? ECS_SETTING_DEFAULTS.containerName,
  };
}

/** The fields whose value is not undefined, so an absent location field never hides a default. */
function definedFields(settings: EcsRunSettings): EcsRunSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as EcsRunSettings;
}
