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

const quantities = z.record(z.string().min(1), z.union([z.string().min(1), z.number().nonnegative()]));

/**
 * How the Kubernetes launcher runs this location's runs (a `kubernetes:`
 * section of gantry.yaml, the agent's GANTRY_K8S_RUN_DEFAULTS, or an asset's
 * `gantry/k8s-config` tag). Every field is optional so the three layers merge:
 * agent defaults ← location ← asset tag; objects merge key by key, arrays
 * and scalars are replaced. Field meanings are those of the Kubernetes
 * core/v1 PodSpec and batch/v1 JobSpec they land in.
 */
export const kubernetesRunSettingsSchema = z
  .object({
    /** Container image of the run (required by the time a run launches). */
    image: z.string().min(1).optional(),
    /** `Always` | `IfNotPresent` | `Never` (PodSpec container imagePullPolicy). */
    imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
    /** Namespace of the run's Job (default: the agent's GANTRY_K8S_NAMESPACE). */
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace is a DNS label').optional(),
    serviceAccountName: z.string().min(1).optional(),
    /** Container resources, e.g. `{requests: {cpu: "500m"}, limits: {memory: "1Gi"}}`. */
    resources: z.object({ requests: quantities.optional(), limits: quantities.optional() }).strict().optional(),
    nodeSelector: z.record(z.string().min(1), z.string()).optional(),
    /** PodSpec tolerations. */
    tolerations: z
      .array(
        z
          .object({
            key: z.string().optional(),
            operator: z.enum(['Exists', 'Equal']).optional(),
            value: z.string().optional(),
            effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
            tolerationSeconds: z.number().int().optional(),
          })
          .strict(),
      )
      .optional(),
    /** Names of docker-registry Secrets in the Job's namespace. */
    imagePullSecrets: z.array(z.string().min(1)).optional(),
    /** Names of Secrets whose keys become environment variables of the container (`envFrom.secretRef`). */
    envFromSecrets: z.array(z.string().min(1)).optional(),
    /** Seconds a finished Job (and its pod and logs) is kept before Kubernetes deletes it. */
    ttlSecondsAfterFinished: z.number().int().nonnegative().optional(),
  })
  .strict();

/** The asset tag holding a JSON {@link kubernetesRunSettingsSchema} merged over the location's settings (like Dagster's `dagster-k8s/config`). */
export const K8S_CONFIG_TAG = 'gantry/k8s-config';

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
  /** Agent queue the location's runs go to; only agents serving this queue run them. Default `default`. */
  queue: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'queue names are letters, digits, ., - and _').max(100).optional(),
  description: z.string().optional(),
  command: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  workingDirectory: z.string().default('.'),
  env: z.record(z.string(), z.string()).default({}),
  /** Seconds after which a run is failed; default one hour. */
  timeoutSeconds: z.number().int().positive().default(3600),
  /** Settings of the Kubernetes launcher; ignored by the other launchers. */
  kubernetes: kubernetesRunSettingsSchema.optional(),
  assets: z.array(assetDefinitionSchema).min(1),
  /** Settings of the ECS launcher; ignored by the other launchers. */
  ecs: ecsRunSettingsSchema.optional(),
});

export type PartitionsDefinition = z.infer<typeof partitionsDefinitionSchema>;
export type AssetCheckDefinition = z.infer<typeof assetCheckDefinitionSchema>;
export type EcsRunSettings = z.infer<typeof ecsRunSettingsSchema>;
export type KubernetesRunSettings = z.infer<typeof kubernetesRunSettingsSchema>;
export type CodeLocationFile = z.infer<typeof codeLocationFileSchema>;
