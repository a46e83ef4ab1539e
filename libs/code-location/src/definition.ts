import { createHash } from 'node:crypto';
import { assetKeyToString, parseAssetKey } from '@gantry/domain';
import { K8S_CONFIG_TAG, kubernetesRunSettingsSchema, type AssetCheckDefinition, type CodeLocationFile, type EcsRunSettings, type KubernetesRunSettings, type PartitionsDefinition } from './schema';

/** An asset as the control plane stores it: keys normalized to paths. */
export interface AssetDefinition {
  keyPath: string[];
  key: string;
  group: string;
  owners: string[];
  kinds: string[];
  tags: Record<string, string>;
  description?: string;
  codeVersion?: string;
  deps: string[];
  partitions?: PartitionsDefinition;
  checks: AssetCheckDefinition[];
}

/**
 * The normalized definition of a code location, the JSON the agent reports
 * (`CodeLocationDefinition.definition_json`) and the control plane versions.
 * `command` is always an argv array; `workingDirectory` is absolute on the agent.
 */
/** Queue of a code location that names none. */
export const DEFAULT_QUEUE = 'default';

export interface CodeLocationDefinition {
  name: string;
  deployment: string;
  /** Agent queue of the location's runs; absent means `default` (and keeps the digest of older definitions unchanged). */
  queue?: string;
  description?: string;
  command: string[];
  workingDirectory: string;
  env: Record<string, string>;
  timeoutSeconds: number;
  /** Kubernetes launcher settings of the location (absent when gantry.yaml has none). */
  kubernetes?: KubernetesRunSettings;
  assets: AssetDefinition[];
  /** The `ecs:` section, when present (absent keeps the digest of older definitions unchanged). */
  ecs?: EcsRunSettings;
}

/** Raised when a definition is internally inconsistent (duplicate keys, unknown deps, cycles). */
export class InvalidCodeLocationError extends Error {
  readonly code = 'INVALID_CODE_LOCATION';
}

/**
 * Normalizes a parsed gantry.yaml: keys become paths, a string command is split
 * on whitespace. Errors: InvalidCodeLocationError for duplicate asset keys,
 * dependencies on unknown assets, or dependency cycles.
 */
export function normalizeDefinition(file: CodeLocationFile, workingDirectory: string): CodeLocationDefinition {
  const assets: AssetDefinition[] = file.assets.map((a) => {
    const keyPath = parseAssetKey(a.key);
    return {
      keyPath,
      key: assetKeyToString(keyPath),
      group: a.group,
      owners: a.owners,
      kinds: a.kinds,
      tags: a.tags,
      ...(a.description !== undefined && { description: a.description }),
      ...(a.codeVersion !== undefined && { codeVersion: a.codeVersion }),
      deps: a.deps.map((d) => assetKeyToString(parseAssetKey(d))),
      ...(a.partitions !== undefined && { partitions: a.partitions }),
      checks: a.checks,
    };
  });
  const keys = new Set<string>();
  for (const a of assets) {
    if (keys.has(a.key)) throw new InvalidCodeLocationError(`asset ${a.key} is defined twice in code location ${file.name}`);
    keys.add(a.key);
  }
  for (const a of assets) {
    for (const d of a.deps) {
      if (!keys.has(d)) throw new InvalidCodeLocationError(`asset ${a.key} depends on ${d}, which code location ${file.name} does not define`);
    }
  }
  assertAcyclic(assets);
  for (const a of assets) {
    const tag = a.tags[K8S_CONFIG_TAG];
    if (tag !== undefined) parseKubernetesSettingsTag(tag, `asset ${a.key} of code location ${file.name}`);
  }
  return {
    name: file.name,
    deployment: file.deployment,
    ...(file.queue !== undefined && file.queue !== DEFAULT_QUEUE && { queue: file.queue }),
    ...(file.description !== undefined && { description: file.description }),
    command: typeof file.command === 'string' ? file.command.trim().split(/\s+/) : file.command,
    workingDirectory,
    env: file.env,
    timeoutSeconds: file.timeoutSeconds,
    ...(file.kubernetes !== undefined && { kubernetes: file.kubernetes }),
    assets,
    ...(file.ecs !== undefined && { ecs: file.ecs }),
  };
}

/**
 * Parses an asset's `gantry/k8s-config` tag: JSON of {@link KubernetesRunSettings}.
 * `where` names the asset in errors. Errors: InvalidCodeLocationError when
 * the value is not JSON or has unknown or mistyped fields.
 */
export function parseKubernetesSettingsTag(value: string, where: string): KubernetesRunSettings {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new InvalidCodeLocationError(`${where}: tag ${K8S_CONFIG_TAG} is not JSON: ${(error as Error).message}`);
  }
  const parsed = kubernetesRunSettingsSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidCodeLocationError(`${where}: tag ${K8S_CONFIG_TAG}: ${details}`);
  }
  return parsed.data;
}

function assertAcyclic(assets: AssetDefinition[]): void {
  const deps = new Map(assets.map((a) => [a.key, a.deps]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string, trail: string[]): void => {
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'visiting') throw new InvalidCodeLocationError(`dependency cycle: ${[...trail, key].join(' → ')}`);
    state.set(key, 'visiting');
    for (const d of deps.get(key) ?? []) visit(d, [...trail, key]);
    state.set(key, 'done');
  };
  for (const a of assets) visit(a.key, []);
}

/** Canonical JSON (sorted keys) of a definition, so equal definitions hash equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * SHA-256 hex of the canonical JSON, ignoring `workingDirectory` (a property of
 * where the agent runs, not of the code).
 */
export function definitionDigest(def: CodeLocationDefinition): string {
  const { workingDirectory: _ignored, ...rest } = def;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
