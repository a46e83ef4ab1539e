import { z } from 'zod';

const assetKey = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * Partitions of an asset. `time` partitions are keyed by period start
 * (`2006-01` for monthly, `2006-01-02` for daily) from `start` to `end`
 * inclusive; without `end` they run up to the last complete period, as in
 * Dagster. `static` partitions are keyed by the listed keys.
 */
export const partitionsDefinitionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('time'),
    cron: z.enum(['daily', 'monthly']).default('monthly'),
    start: z.string().min(1),
    end: z.string().optional(),
  }),
  z.object({ type: z.literal('static'), keys: z.array(z.string().min(1)).min(1) }),
]);

export const assetCheckDefinitionSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_]+$/, 'check names are letters, digits and underscores'),
  description: z.string().optional(),
  blocking: z.boolean().default(false),
});

export const assetDefinitionSchema = z.object({
  key: assetKey,
  group: z.string().default('default'),
  owners: z.array(z.string()).default([]),
  kinds: z.array(z.string()).default([]),
  tags: z.record(z.string(), z.string()).default({}),
  description: z.string().optional(),
  codeVersion: z.string().optional(),
  deps: z.array(assetKey).default([]),
  partitions: partitionsDefinitionSchema.optional(),
  checks: z.array(assetCheckDefinitionSchema).default([]),
});

/**
 * How a run of the code location is launched as an Amazon ECS task (the `ecs`
 * launcher, `GANTRY_AGENT_LAUNCHER=ecs`). Every field is optional here: the
 * agent fills what is missing from `GANTRY_ECS_RUN_DEFAULTS` (a JSON object of
 * this same shape) and refuses to launch when `image`, or `subnets` for
 * `awsvpc`, is still missing. Field meanings follow the ECS API
 * (RegisterTaskDefinition / RunTask):
 * - `image`: container image (`repo:tag` or `repo@sha256:…`); `command` runs in it.
 * - `cpu`: task CPU units (1024 = 1 vCPU); `memory`: task memory, MiB. On
 *   Fargate the pair must be a supported combination (for example 256/512).
 * - `taskRoleArn`: role the customer code runs as; `executionRoleArn`: role
 *   ECS uses to pull the image and write logs (required on Fargate for awslogs).
 * - `launchType`: `FARGATE` (default) or `EC2`; `networkMode`: `awsvpc`
 *   (default, required on Fargate), `bridge` or `host` (EC2 only).
 * - `subnets`, `securityGroups`, `assignPublicIp`: the awsvpc network configuration.
 * - `logGroup`: CloudWatch Logs group of the awslogs driver (default
 *   `/gantry/runs`); `logStreamPrefix`: its stream prefix (default `gantry`).
 * - `platformVersion` (Fargate, default `LATEST`), `containerName` (default `run`).
 */
export const ecsRunSettingsSchema = z
  .object({
    image: z.string().min(1).optional(),
    cpu: z.number().int().positive().optional(),
    memory: z.number().int().positive().optional(),
    taskRoleArn: z.string().min(1).optional(),
    executionRoleArn: z.string().min(1).optional(),
    launchType: z.enum(['FARGATE', 'EC2']).optional(),
    networkMode: z.enum(['awsvpc', 'bridge', 'host']).optional(),
    subnets: z.array(z.string().min(1)).optional(),
    securityGroups: z.array(z.string().min(1)).optional(),
    assignPublicIp: z.boolean().optional(),
    logGroup: z.string().min(1).optional(),
    logStreamPrefix: z.string().min(1).optional(),
    platformVersion: z.string().min(1).optional(),
    containerName: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'container names are letters, digits, - and _').optional(),
  })
  .strict();

/**
 * A code location's `gantry.yaml`. `command` is run in `workingDirectory`
 * (relative to the yaml file) with the pipes environment added to `env`.
 */
export const codeLocationFileSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, 'code location names are lower-case letters, digits, - and _'),
  deployment: z.string().default('prod'),
  description: z.string().optional(),
  command: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  workingDirectory: z.string().default('.'),
  env: z.record(z.string(), z.string()).default({}),
  /** Seconds after which a run is failed; default one hour. */
  timeoutSeconds: z.number().int().positive().default(3600),
  assets: z.array(assetDefinitionSchema).min(1),
  /** Settings of the ECS launcher; ignored by the other launchers. */
  ecs: ecsRunSettingsSchema.optional(),
});

export type PartitionsDefinition = z.infer<typeof partitionsDefinitionSchema>;
export type AssetCheckDefinition = z.infer<typeof assetCheckDefinitionSchema>;
export type EcsRunSettings = z.infer<typeof ecsRunSettingsSchema>;
export type CodeLocationFile = z.infer<typeof codeLocationFileSchema>;
