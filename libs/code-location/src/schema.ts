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
});

export type PartitionsDefinition = z.infer<typeof partitionsDefinitionSchema>;
export type AssetCheckDefinition = z.infer<typeof assetCheckDefinitionSchema>;
export type CodeLocationFile = z.infer<typeof codeLocationFileSchema>;
