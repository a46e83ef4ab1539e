import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PRICE_TABLE, parsePriceTable, type PriceTable } from './cost/price-table';
import { readEcsAgentConfig, type EcsAgentConfig } from './launchers/ecs/ecs-config';
import { kubernetesRunSettingsSchema, type KubernetesRunSettings } from '@gantry/code-location';
import { LAUNCHER_KINDS, type LauncherKind } from './launchers/run-launcher';

/** Typed configuration of the agent process, read once at boot from the environment. */
export interface AgentConfig {
  /** `host:port` of the control plane's gRPC AgentService (GANTRY_CONTROL_PLANE_GRPC, required). */
  controlPlaneAddress: string;
  /**
   * TLS to the control plane: GANTRY_CONTROL_PLANE_TLS=true (system roots), or
   * GANTRY_CONTROL_PLANE_CA_FILE = PEM of the CA to trust (implies TLS).
   * Undefined: plaintext (loopback development).
   */
  controlPlaneTls?: { caFile?: string };
  /** Agent token sent as `authorization: Bearer <token>` (GANTRY_AGENT_TOKEN, required). Secret: never logged. */
  token: string;
  /** Agent name inside its organization (GANTRY_AGENT_NAME, default: the host name). */
  name: string;
  /** Folder for the event spool and per-run files (GANTRY_AGENT_STATE_DIR, default `.gantry/agent`), absolute. */
  stateDir: string;
  /** Paths of `gantry.yaml` files or their folders (GANTRY_CODE_LOCATIONS, comma-separated). */
  codeLocationPaths: string[];
  /** Deployments served (GANTRY_AGENT_DEPLOYMENTS, comma-separated; empty: every deployment the token allows). */
  deployments: string[];
  /** Queues served (GANTRY_AGENT_QUEUES, comma-separated; default `default`). */
  queues: string[];
  /** Runs executed at once (GANTRY_AGENT_MAX_RUNS, default 4). */
  maxConcurrentRuns: number;
  /** pino level (GANTRY_LOG_LEVEL, default `info`). */
  logLevel: string;
  /**
   * Prices of run resources per launcher (GANTRY_AGENT_PRICES, JSON:
   * `{"process": {"vcpuHourUsd": 0.05, "gbHourUsd": 0.006}}`; launchers not
   * named keep the default, AWS Fargate on-demand us-east-1; see cost/price-table.ts).
   */
  prices: PriceTable;
  /** How runs are started (GANTRY_AGENT_LAUNCHER: `process` | `kubernetes` | `ecs`, default `process`). */
  launcher: LauncherKind;
  /** Settings of the Kubernetes launcher (read whatever the launcher, validated always). */
  kubernetes: AgentKubernetesConfig;
  /** Settings of the ECS launcher; present exactly when `launcher` is `ecs`. */
  ecs?: EcsAgentConfig;
}

/** The Kubernetes launcher's part of {@link AgentConfig}. */
export interface AgentKubernetesConfig {
  /**
   * Namespace of run Jobs unless a location names one (GANTRY_K8S_NAMESPACE;
   * default: the agent pod's own namespace from its service account mount,
   * else `default`).
   */
  namespace: string;
  /**
   * Settings every run starts from, under the location's `kubernetes:` and
   * the asset tag (GANTRY_K8S_RUN_DEFAULTS: a JSON object of the gantry.yaml
   * `kubernetes:` fields, e.g. `{"serviceAccountName":"runs","ttlSecondsAfterFinished":3600}`).
   */
  runDefaults: KubernetesRunSettings;
}

/** Where a pod finds its own namespace (the service account volume Kubernetes mounts). */
const POD_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Raised when the environment does not describe a usable agent configuration. */
export class AgentConfigError extends Error {
  readonly code = 'AGENT_CONFIG_INVALID';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads the agent configuration from environment variables (see {@link AgentConfig}
 * for each variable). Errors: AgentConfigError naming every missing or invalid
 * variable (the token's value is never part of a message).
 */
export function loadAgentConfig(env: Record<string, string | undefined>): AgentConfig {
  const problems: string[] = [];
  const address = env['GANTRY_CONTROL_PLANE_GRPC']?.trim() ?? '';
  if (!address) problems.push('GANTRY_CONTROL_PLANE_GRPC is required (host:port of the control plane gRPC endpoint)');
  else if (!/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/.test(address)) problems.push('GANTRY_CONTROL_PLANE_GRPC must be host:port');
  const token = env['GANTRY_AGENT_TOKEN']?.trim() ?? '';
  if (!token) problems.push('GANTRY_AGENT_TOKEN is required');
  const maxRunsText = env['GANTRY_AGENT_MAX_RUNS']?.trim() || '4';
  const maxConcurrentRuns = Number(maxRunsText);
  if (!Number.isInteger(maxConcurrentRuns) || maxConcurrentRuns < 1) problems.push('GANTRY_AGENT_MAX_RUNS must be a positive integer');
  const logLevel = env['GANTRY_LOG_LEVEL']?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`GANTRY_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const pricesText = env['GANTRY_AGENT_PRICES']?.trim() ?? '';
  let prices = DEFAULT_PRICE_TABLE;
  if (pricesText !== '') {
    const parsed = parsePriceTable(pricesText);
    problems.push(...parsed.problems);
    prices = parsed.table;
  }
  const launcher = (env['GANTRY_AGENT_LAUNCHER']?.trim() || 'process') as LauncherKind;
  if (!LAUNCHER_KINDS.includes(launcher)) problems.push(`GANTRY_AGENT_LAUNCHER must be one of ${LAUNCHER_KINDS.join(', ')}, got ${JSON.stringify(launcher)}`);
  const namespace = env['GANTRY_K8S_NAMESPACE']?.trim() || podNamespace() || 'default';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) problems.push(`GANTRY_K8S_NAMESPACE must be a DNS label (lower-case letters, digits, -), got ${JSON.stringify(namespace)}`);
  let runDefaults: KubernetesRunSettings = {};
  const defaultsText = env['GANTRY_K8S_RUN_DEFAULTS']?.trim();
  if (defaultsText) {
    let json: unknown;
    try {
      json = JSON.parse(defaultsText);
    } catch (error) {
      problems.push(`GANTRY_K8S_RUN_DEFAULTS is not JSON: ${(error as Error).message}`);
    }
    if (json !== undefined) {
      const parsed = kubernetesRunSettingsSchema.safeParse(json);
      if (parsed.success) runDefaults = parsed.data;
      else problems.push(`GANTRY_K8S_RUN_DEFAULTS: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
  }
  const ecs = launcher === 'ecs' ? readEcsAgentConfig(env, problems) : undefined;
  const tlsText = env['GANTRY_CONTROL_PLANE_TLS']?.trim().toLowerCase() || 'false';
  if (!['true', 'false'].includes(tlsText)) problems.push(`GANTRY_CONTROL_PLANE_TLS must be true or false, got ${JSON.stringify(tlsText)}`);
  const caFile = env['GANTRY_CONTROL_PLANE_CA_FILE']?.trim() || undefined;
  const controlPlaneTls = tlsText === 'true' || caFile ? { ...(caFile && { caFile: path.resolve(caFile) }) } : undefined;
  if (problems.length > 0) throw new AgentConfigError(`invalid agent configuration: ${problems.join('; ')}`);
  return {
    controlPlaneAddress: address,
    ...(controlPlaneTls && { controlPlaneTls }),
    token,
    name: env['GANTRY_AGENT_NAME']?.trim() || os.hostname(),
    stateDir: path.resolve(env['GANTRY_AGENT_STATE_DIR']?.trim() || '.gantry/agent'),
    codeLocationPaths: (env['GANTRY_CODE_LOCATIONS'] ?? '').split(',').map((p) => p.trim()).filter((p) => p.length > 0),
    deployments: (env['GANTRY_AGENT_DEPLOYMENTS'] ?? '').split(',').map((d) => d.trim()).filter((d) => d.length > 0),
    queues: parseQueues(env['GANTRY_AGENT_QUEUES']),
    maxConcurrentRuns,
    logLevel,
    prices,
    launcher,
    kubernetes: { namespace, runDefaults },
    ...(ecs && { ecs }),
  };
}

function podNamespace(): string | undefined {
  try {
    return readFileSync(POD_NAMESPACE_FILE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** GANTRY_AGENT_QUEUES: comma-separated, deduplicated; `default` when unset or empty. */
export function parseQueues(value: string | undefined): string[] {
  const queues = [...new Set((value ?? '').split(',').map((q) => q.trim()).filter((q) => q.length > 0))];
  return queues.length > 0 ? queues : ['default'];
}
