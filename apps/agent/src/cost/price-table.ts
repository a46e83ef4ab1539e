import { fromNano, toNano } from '@gantry/domain';

/** Prices of one launcher, USD. */
export interface LauncherPrices {
  /** USD per vCPU-hour (one vCPU busy, or reserved, for one hour). */
  vcpuHourUsd: number;
  /** USD per GB-hour of memory (GB = 2^30 bytes). */
  gbHourUsd: number;
}

/** The agent's price table: prices per launcher and where they come from. */
export interface PriceTable {
  /** Where the prices come from (a URL with the date taken, or `GANTRY_AGENT_PRICES`). */
  source: string;
  /** Prices per launcher name (`process`, `kubernetes`, `ecs`). */
  launchers: Readonly<Record<string, LauncherPrices>>;
}

/**
 * AWS Fargate on-demand prices, Linux/x86, region us-east-1 (US East, N.
 * Virginia): USD 0.04048 per vCPU-hour and USD 0.004445 per GB-hour.
 * Source: https://aws.amazon.com/fargate/pricing/, taken 2026-11-23 (the page
 * itself is not reachable from the build machine; the figures were checked
 * against listings of that page dated 2026-03 and 2026-06, unchanged since 2019).
 */
export const FARGATE_US_EAST_1: LauncherPrices = { vcpuHourUsd: 0.04048, gbHourUsd: 0.004445 };

/** Launchers the price table knows; each defaults to {@link FARGATE_US_EAST_1}. */
export const PRICED_LAUNCHERS = ['process', 'kubernetes', 'ecs'] as const;

/** The default price table: Fargate us-east-1 on-demand for every launcher. */
export const DEFAULT_PRICE_TABLE: PriceTable = {
  source: 'https://aws.amazon.com/fargate/pricing/ (Fargate on-demand, Linux/x86, us-east-1, taken 2026-11-23)',
  launchers: Object.fromEntries(PRICED_LAUNCHERS.map((l) => [l, FARGATE_US_EAST_1])),
};

/** Largest accepted price per vCPU-hour or GB-hour, USD: anything above is a typo (cents vs dollars). */
const MAX_PRICE_USD = 100;

/**
 * Parses `GANTRY_AGENT_PRICES`: either one price pair for every launcher,
 * `{"vcpuHourUsd": 0.05, "gbHourUsd": 0.006}` (the form the Helm chart and
 * the ECS template pass), or an object keyed by launcher, e.g.
 * `{"process": {"vcpuHourUsd": 0.05, "gbHourUsd": 0.006}}`, where launchers
 * not named keep the default (Fargate us-east-1). Returns the problems found (an
 * empty list when valid) and the table. Each problem names the launcher and
 * field: unknown launcher, unknown field, missing field, non-numeric, negative
 * or absurd (> 100 USD) price, invalid JSON.
 */
export function parsePriceTable(text: string): { table: PriceTable; problems: string[] } {
  const problems: string[] = [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { table: DEFAULT_PRICE_TABLE, problems: [`GANTRY_AGENT_PRICES is not valid JSON (${(error as Error).message})`] };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { table: DEFAULT_PRICE_TABLE, problems: ['GANTRY_AGENT_PRICES must be a JSON object keyed by launcher (process, kubernetes, ecs)'] };
  }
  const launchers: Record<string, LauncherPrices> = { ...DEFAULT_PRICE_TABLE.launchers };
  const top = value as Record<string, unknown>;
  // The flat form (what the Helm chart and the ECS template pass): one price pair for every launcher.
  const entries = 'vcpuHourUsd' in top || 'gbHourUsd' in top ? PRICED_LAUNCHERS.map((l) => [l, top] as const) : Object.entries(top);
  for (const [launcher, prices] of entries) {
    const at = `GANTRY_AGENT_PRICES.${launcher}`;
    if (!(PRICED_LAUNCHERS as readonly string[]).includes(launcher)) {
      problems.push(`${at}: unknown launcher; expected one of ${PRICED_LAUNCHERS.join(', ')}`);
      continue;
    }
    if (!prices || typeof prices !== 'object' || Array.isArray(prices)) {
      problems.push(`${at} must be an object {"vcpuHourUsd": number, "gbHourUsd": number}`);
      continue;
    }
    const p = prices as Record<string, unknown>;
    for (const key of Object.keys(p)) if (key !== 'vcpuHourUsd' && key !== 'gbHourUsd') problems.push(`${at}.${key}: unknown field; expected vcpuHourUsd, gbHourUsd`);
    const field = (name: 'vcpuHourUsd' | 'gbHourUsd'): number => {
      const v = p[name];
      if (v === undefined) problems.push(`${at}.${name} is required (USD per ${name === 'vcpuHourUsd' ? 'vCPU' : 'GB'}-hour)`);
      else if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${at}.${name} must be a number, got ${JSON.stringify(v)}`);
      else if (v < 0) problems.push(`${at}.${name} must not be negative, got ${v}`);
      else if (v > MAX_PRICE_USD) problems.push(`${at}.${name} = ${v} USD is absurd (more than ${MAX_PRICE_USD} USD per hour)`);
      else return v;
      return 0;
    };
    launchers[launcher] = { vcpuHourUsd: field('vcpuHourUsd'), gbHourUsd: field('gbHourUsd') };
  }
  return { table: { source: 'GANTRY_AGENT_PRICES', launchers }, problems };
}

/** Usage to price: vCPU-seconds and GB-seconds (GB = 2^30 bytes). */
export interface ResourceQuantity {
  vcpuSeconds: number;
  gbSeconds: number;
}

/**
 * The price of used (or reserved) resources in nano-USD (10^-9 USD, exact
 * integer): vcpuSeconds / 3600 × vcpuHourUsd + gbSeconds / 3600 × gbHourUsd,
 * rounded half-up to the nano-dollar. Pure.
 */
export function priceUsage(quantity: ResourceQuantity, prices: LauncherPrices): bigint {
  const usd = (Math.max(0, quantity.vcpuSeconds) / 3600) * prices.vcpuHourUsd + (Math.max(0, quantity.gbSeconds) / 3600) * prices.gbHourUsd;
  return toNano(usd);
}

/** A reservation: what a pod (requests/limits) or an ECS task (task CPU/memory) holds for its duration. */
export interface Reservation {
  /** vCPUs reserved (e.g. 0.25, 2). */
  vcpu: number;
  /** Memory reserved, GB (2^30 bytes). */
  memoryGb: number;
  /** How long it was held, seconds. */
  seconds: number;
}

/**
 * The price of a reservation in nano-USD: vcpu × seconds vCPU-seconds plus
 * memoryGb × seconds GB-seconds at `prices` (the way Fargate bills). For the
 * Kubernetes and ECS launchers. Pure.
 */
export function priceReservation(reservation: Reservation, prices: LauncherPrices): bigint {
  return priceUsage({ vcpuSeconds: reservation.vcpu * reservation.seconds, gbSeconds: reservation.memoryGb * reservation.seconds }, prices);
}

/** Prices of `launcher` in `table` (the process launcher's when the launcher is unknown). */
export function pricesFor(table: PriceTable, launcher: string): LauncherPrices {
  return table.launchers[launcher] ?? table.launchers['process'] ?? FARGATE_US_EAST_1;
}

/** Nano-USD as the decimal text carried in RUN_RESOURCE_USAGE (`"0.000012345"`). */
export const usdText = fromNano;
