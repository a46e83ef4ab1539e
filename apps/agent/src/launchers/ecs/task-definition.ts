import { createHash } from 'node:crypto';
import {
  ClientException,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Tag,
} from '@aws-sdk/client-ecs';
import { canonicalJson } from '@gantry/code-location';
import { describeAwsError, EcsLaunchError } from './ecs-errors';
import type { ResolvedEcsRunSettings } from './ecs-run-settings';

/** Which code location version a task definition runs. */
export interface TaskDefinitionIdentity {
  organization: string;
  deployment: string;
  codeLocation: string;
  codeLocationVersion: number;
}

/** Tag keys Gantry puts on task definitions and tasks (ECS tag keys allow letters, digits and `+-=._:/@`). */
export const GANTRY_TAGS = {
  organization: 'gantry.organization',
  deployment: 'gantry.deployment',
  codeLocation: 'gantry.code-location',
  codeLocationVersion: 'gantry.code-location-version',
  run: 'gantry.run',
  specDigest: 'gantry.spec-digest',
} as const;

const FAMILY_MAX = 255;

/**
 * The task definition family of a code location: `gantry-<organization>-<deployment>-<code location>`,
 * with characters ECS does not allow in a family (anything but letters, digits,
 * `-` and `_`) replaced by `_`. Past 255 characters the name is cut and ends
 * with 12 hex digits of its SHA-256, so distinct locations keep distinct families.
 */
export function taskDefinitionFamily(id: Pick<TaskDefinitionIdentity, 'organization' | 'deployment' | 'codeLocation'>): string {
  const raw = `gantry-${id.organization}-${id.deployment}-${id.codeLocation}`;
  const clean = raw.replace(/[^A-Za-z0-9_-]/g, '_');
  if (clean.length <= FAMILY_MAX) return clean;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 12);
  return `${clean.slice(0, FAMILY_MAX - 13)}-${hash}`;
}

/**
 * The RegisterTaskDefinition request of a code location version: one essential
 * container (`settings.containerName`) running `settings.image`, its output sent
 * to CloudWatch Logs by the awslogs driver (stream
 * `<logStreamPrefix>/<containerName>/<task id>`), task-level CPU and memory,
 * and the identity and a digest of the request in its tags.
 */
export function buildTaskDefinition(id: TaskDefinitionIdentity, settings: ResolvedEcsRunSettings, region: string): RegisterTaskDefinitionCommandInput {
  const spec: RegisterTaskDefinitionCommandInput = {
    family: taskDefinitionFamily(id),
    requiresCompatibilities: [settings.launchType],
    networkMode: settings.networkMode,
    cpu: String(settings.cpu),
    memory: String(settings.memory),
    ...(settings.taskRoleArn !== undefined && { taskRoleArn: settings.taskRoleArn }),
    ...(settings.executionRoleArn !== undefined && { executionRoleArn: settings.executionRoleArn }),
    containerDefinitions: [
      {
        name: settings.containerName,
        image: settings.image,
        essential: true,
        // The container's hard limit equals the task's memory (RunTask overrides
        // both together); an EC2 task without it would be refused.
        memory: settings.memory,
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': settings.logGroup, 'awslogs-region': region, 'awslogs-stream-prefix': settings.logStreamPrefix },
        },
      },
    ],
  };
  const digest = createHash('sha256').update(canonicalJson({ spec, version: id.codeLocationVersion })).digest('hex');
  const tags: Tag[] = [
    { key: GANTRY_TAGS.organization, value: id.organization },
    { key: GANTRY_TAGS.deployment, value: id.deployment },
    { key: GANTRY_TAGS.codeLocation, value: id.codeLocation },
    { key: GANTRY_TAGS.codeLocationVersion, value: String(id.codeLocationVersion) },
    { key: GANTRY_TAGS.specDigest, value: digest },
  ];
  return { ...spec, tags };
}

/**
 * Registers task definitions once per code location version and settings.
 * A request whose digest (tag `gantry.spec-digest`) equals the family's latest
 * ACTIVE revision reuses that revision, also across agent restarts; in-process
 * lookups are cached, and concurrent launches of one version share a single
 * registration.
 */
export class TaskDefinitionRegistry {
  private readonly known = new Map<string, Promise<string>>();

  constructor(private readonly ecs: ECSClient) {}

  /**
   * The ARN of a task definition for `request` (output of {@link buildTaskDefinition}).
   * Errors: EcsLaunchError carrying ECS's answer when registration is refused.
   */
  ensure(request: RegisterTaskDefinitionCommandInput): Promise<string> {
    const digest = request.tags?.find((t) => t.key === GANTRY_TAGS.specDigest)?.value ?? '';
    const key = `${request.family}\u0000${digest}`;
    let arn = this.known.get(key);
    if (!arn) {
      arn = this.lookupOrRegister(request, digest);
      // A failed attempt is not remembered: the next launch tries again.
      arn.catch(() => this.known.delete(key));
      this.known.set(key, arn);
    }
    return arn;
  }

  private async lookupOrRegister(request: RegisterTaskDefinitionCommandInput, digest: string): Promise<string> {
    try {
      const latest = await this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: request.family, include: ['TAGS'] }));
      const arn = latest.taskDefinition?.taskDefinitionArn;
      const sameDigest = latest.tags?.some((t) => t.key === GANTRY_TAGS.specDigest && t.value === digest);
      if (arn && sameDigest && latest.taskDefinition?.status === 'ACTIVE') return arn;
    } catch (error) {
      // ECS answers ClientException for a family that has no revision yet.
      if (!(error instanceof ClientException)) throw new EcsLaunchError(`cannot describe ECS task definition family ${request.family}: ${describeAwsError(error)}`, { cause: error });
    }
    try {
      const registered = await this.ecs.send(new RegisterTaskDefinitionCommand(request));
      const arn = registered.taskDefinition?.taskDefinitionArn;
      if (!arn) throw new Error('RegisterTaskDefinition returned no taskDefinitionArn');
      return arn;
    } catch (error) {
      throw new EcsLaunchError(`ECS refused the task definition of family ${request.family}: ${describeAwsError(error)}`, { cause: error });
    }
  }
}
