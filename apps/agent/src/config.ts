import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PRICE_TABLE, parsePriceTable, type PriceTable } from './cost/price-table';

/** Typed configuration of the agent process, read once at boot from the environment. */
export interface AgentConfig {
  /** `host:port` of the control plane's gRPC AgentService (GANTRY_CONTROL_PLANE_GRPC, required). */
  controlPlaneAddress: string;
  /** Agent token sent as `authorization: Bearer <token>` (GANTRY_AGENT_TOKEN, required). Secret: never logged. */
  token: string;
  /** Agent name inside its organization (GANTRY_AGENT_NAME, default: the host name). */
  name: string;
  /** Folder for the event spool and per-run files (GANTRY_AGENT_STATE_DIR, default `.gantry/agent`), absolute. */
  stateDir: string;
  /** Paths of `gantry.yaml` files or their folders (GANTRY_CODE_LOCATIONS, comma-separated). */
  codeLocationPaths: string[];
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
}

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
  if (problems.length > 0) throw new AgentConfigError(`invalid agent configuration: ${problems.join('; ')}`);
  return {
    controlPlaneAddress: address,
    token,
    name: env['GANTRY_AGENT_NAME']?.trim() || os.hostname(),
    stateDir: path.resolve(env['GANTRY_AGENT_STATE_DIR']?.trim() || '.gantry/agent'),
    codeLocationPaths: (env['GANTRY_CODE_LOCATIONS'] ?? '').split(',').map((p) => p.trim()).filter((p) => p.length > 0),
    maxConcurrentRuns,
    logLevel,
    prices,
  };
}
