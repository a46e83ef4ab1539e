import { Inject, Injectable } from '@nestjs/common';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config/control-plane.config';
import { LeasesRepository } from './leases.repository';

/** Reason sent in LeaseRevoked for a run the agent names but no longer holds. */
export const LEASE_LOST_REASON = 'lease lost: the run is not (or no longer) leased to this agent';

/** The agent whose leases are renewed, as its session knows it. */
export interface LeaseHolder {
  agentId: string;
  orgId: string;
  tokenId: string;
}

/** Outcome of a heartbeat (or of the running runs a Hello lists). */
export interface HeartbeatOutcome {
  /** False when the agent token was revoked or expired since the session opened. */
  tokenValid: boolean;
  /** Runs the agent named but does not hold: it must stop them and drop their unsent events. */
  revoked: Array<{ runId: string; reason: string }>;
}

/**
 * Keeps leases alive: renews the leases of the runs an agent names (Heartbeat,
 * Hello.running_run_ids) when they are still its own and active, and says
 * which of the named runs it lost. Runs that already ended through the agent's
 * own events are neither renewed nor revoked.
 */
@Injectable()
export class LeaseService {
  constructor(
    @Inject(CONTROL_PLANE_CONFIG) private readonly config: ControlPlaneConfig,
    @Inject(LeasesRepository) private readonly repo: LeasesRepository,
  ) {}

  /** Renews the held runs among `runIds` (canonical UUIDs) and records the heartbeat. */
  async renew(holder: LeaseHolder, runIds: readonly string[]): Promise<HeartbeatOutcome> {
    // PostgreSQL answers with lower-case ids; revocations echo the id as the agent spelled it.
    const asSent = new Map(runIds.map((id) => [id.toLowerCase(), id]));
    const res = await this.repo.renew({ ...holder, runIds: [...asSent.keys()], leaseTtlMs: this.config.leaseTtlMs });
    const revoked = [...asSent]
      .filter(([id]) => !res.renewed.has(id) && !res.finished.has(id))
      .map(([, runId]) => ({ runId, reason: LEASE_LOST_REASON }));
    return { tokenValid: res.tokenValid, revoked };
  }
}
