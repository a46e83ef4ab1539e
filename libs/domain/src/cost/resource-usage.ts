/**
 * Payload of a RUN_RESOURCE_USAGE event: what the agent measured for one run
 * (the whole process tree for the process launcher; requests/limits × time for
 * reservation-based launchers) and what it cost by the agent's price table.
 * Sent once per run, just before the terminal event.
 */
export interface ResourceUsagePayload {
  /** Launcher that ran the process: `process`, `kubernetes`, `ecs`. */
  launcher: string;
  /** `measured` (sampled from the process tree) or `reserved` (requests × duration). */
  basis: 'measured' | 'reserved';
  /** Wall time from launch to exit, seconds. */
  wallSeconds: number;
  /** CPU time of the whole process tree (user + system), seconds; for `reserved`, vCPU × seconds. */
  cpuSeconds: number;
  /** Largest resident memory of the whole tree at one sample, bytes. */
  memoryPeakBytes: number;
  /** Resident memory integrated over time, GB-seconds (GB = 2^30 bytes, as Fargate and Kubernetes count memory). */
  memoryGbSeconds: number;
  /** Number of samples the measurement is based on (0 for `reserved`). */
  samples: number;
  /** The price of the usage. */
  priced: {
    /** Total in USD as a decimal string with 9 fractional digits (exact). */
    usd: string;
    /** Price table entry used: USD per vCPU-hour and per GB-hour. */
    vcpuHourUsd: number;
    gbHourUsd: number;
    /** Where the prices come from (URL or `GANTRY_AGENT_PRICES`). */
    source: string;
  };
}
