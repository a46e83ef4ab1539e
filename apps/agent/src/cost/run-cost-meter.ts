import type { ResourceUsagePayload } from '@gantry/domain';
import type { RunEventInput } from '../runs/event-sequencer';
import { DEFAULT_PRICE_TABLE, priceReservation, priceUsage, pricesFor, usdText, type PriceTable, type Reservation } from './price-table';
import { ProcessTreeMeter, type ProcessTreeMeterOptions } from './process-tree-meter';

const GIB = 1024 ** 3;

/**
 * The cost side of one run, as the run executor uses it: measures the
 * launched process tree from launch to exit and turns the measurement into
 * the RUN_RESOURCE_USAGE event (priced by the agent's price table), which the
 * executor emits after the last Pipes message and before the terminal event.
 */
export class RunCostMeter {
  private constructor(
    private readonly meter: ProcessTreeMeter | undefined,
    private readonly launcher: string,
    private readonly prices: PriceTable,
    private readonly startedAt: number,
  ) {}

  /** Starts measuring the process `pid` (and its tree); without a pid only wall time is measured. */
  static start(pid: number | undefined, launcher: string, prices: PriceTable = DEFAULT_PRICE_TABLE, options: ProcessTreeMeterOptions = {}): RunCostMeter {
    return new RunCostMeter(pid === undefined ? undefined : ProcessTreeMeter.start(pid, options), launcher, prices, performance.now());
  }

  /** Stops measuring and returns the RUN_RESOURCE_USAGE event to emit (payload: ResourceUsagePayload). */
  async usageEvent(): Promise<RunEventInput> {
    const m = await this.meter?.stop();
    const wallSeconds = m?.wallSeconds ?? (performance.now() - this.startedAt) / 1000;
    const cpuSeconds = m?.cpuSeconds ?? 0;
    const memoryGbSeconds = m?.memoryGbSeconds ?? 0;
    const prices = pricesFor(this.prices, this.launcher);
    const usd = priceUsage({ vcpuSeconds: cpuSeconds, gbSeconds: memoryGbSeconds }, prices);
    const payload: ResourceUsagePayload = {
      launcher: this.launcher,
      basis: 'measured',
      wallSeconds: round6(wallSeconds),
      cpuSeconds: round6(cpuSeconds),
      memoryPeakBytes: Math.round(m?.memoryPeakBytes ?? 0),
      memoryGbSeconds: round6(memoryGbSeconds),
      samples: m?.samples ?? 0,
      priced: { usd: usdText(usd), vcpuHourUsd: prices.vcpuHourUsd, gbHourUsd: prices.gbHourUsd, source: this.prices.source },
    };
    const peakMb = Math.round((payload.memoryPeakBytes / GIB) * 1024);
    return {
      type: 'RUN_RESOURCE_USAGE',
      message: `resources: ${payload.cpuSeconds.toFixed(2)} CPU s, ${payload.wallSeconds.toFixed(2)} s wall, peak ${peakMb} MiB, ${payload.memoryGbSeconds.toFixed(3)} GB-s = ${payload.priced.usd} USD`,
      payload: payload as unknown as Record<string, unknown>,
    };
  }

  /** Stops measuring without an event (the run was killed or its lease revoked). */
  async discard(): Promise<void> {
    await this.meter?.stop();
  }
}

/**
 * The RUN_RESOURCE_USAGE event of a reservation-based run (Kubernetes,
 * ECS): `reservation.vcpu` vCPUs and `reservation.memoryGb` GB held for
 * `reservation.seconds`, priced with {@link priceReservation} at the prices of
 * `launcher`. Same payload shape as the measured event (basis `reserved`,
 * `samples` 0): cpuSeconds = vCPU × seconds, memoryGbSeconds = GB × seconds,
 * memoryPeakBytes = the reserved memory. Pure.
 */
export function reservationUsageEvent(launcher: string, reservation: Reservation, table: PriceTable = DEFAULT_PRICE_TABLE): RunEventInput {
  const seconds = Math.max(0, reservation.seconds);
  const vcpu = Math.max(0, reservation.vcpu);
  const memoryGb = Math.max(0, reservation.memoryGb);
  const prices = pricesFor(table, launcher);
  const usd = priceReservation({ vcpu, memoryGb, seconds }, prices);
  const payload: ResourceUsagePayload = {
    launcher,
    basis: 'reserved',
    wallSeconds: round6(seconds),
    cpuSeconds: round6(vcpu * seconds),
    memoryPeakBytes: Math.round(memoryGb * GIB),
    memoryGbSeconds: round6(memoryGb * seconds),
    samples: 0,
    priced: { usd: usdText(usd), vcpuHourUsd: prices.vcpuHourUsd, gbHourUsd: prices.gbHourUsd, source: table.source },
  };
  return {
    type: 'RUN_RESOURCE_USAGE',
    message: `resources reserved: ${round6(vcpu)} vCPU, ${round6(memoryGb)} GB for ${payload.wallSeconds.toFixed(2)} s = ${payload.cpuSeconds.toFixed(2)} vCPU-s, ${payload.memoryGbSeconds.toFixed(3)} GB-s = ${payload.priced.usd} USD`,
    payload: payload as unknown as Record<string, unknown>,
  };
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
