import { Injectable } from '@nestjs/common';
import type { RunAssignment } from '@gantry/proto';

/**
 * What dispatch, leases and cancel need from a live agent session on this
 * replica. Implemented by `AgentSession`.
 */
export interface SessionHandle {
  readonly agentId: string;
  readonly agentName: string;
  readonly orgId: string;
  /** Deployment ids the session serves; `null` means every deployment of its organization. */
  readonly deploymentIds: ReadonlySet<string> | null;
  /** Queues the session serves (never empty). */
  readonly queues: ReadonlySet<string>;
  /** True once Welcome was sent and until the stream closes. */
  isReady(): boolean;
  /** Free slots not yet assigned or reserved by an in-flight claim. */
  availableSlots(): number;
  /** Reserves up to `n` free slots for claims about to run; returns how many were reserved. */
  reserveSlots(n: number): number;
  /** Gives back `n` reserved slots whose claims found no run. */
  releaseSlots(n: number): void;
  /**
   * Sends a claimed run on the stream, turning one reserved slot into an
   * assignment. Returns false when the stream is gone (nothing was sent).
   */
  deliverAssignment(assignment: RunAssignment): boolean;
  /** Forwards a cancel request; false when the stream is gone. */
  sendCancel(runId: string): boolean;
  /** Tells the agent it lost the lease of a run; false when the stream is gone. */
  revokeLease(runId: string, reason: string): boolean;
  /** Ends the session because a newer session of the same agent registered. */
  replaced(): void;
}

/**
 * The live agent sessions of this replica, by agent and by deployment, with a
 * round-robin choice among the sessions that serve a deployment and have free
 * slots. Synchronous and allocation-light: it sits on the dispatch hot path.
 */
@Injectable()
export class SessionRegistry {
  private readonly byAgent = new Map<string, SessionHandle>();
  private readonly byDeployment = new Map<string, SessionHandle[]>();
  /** Sessions serving every deployment of an organization, by organization. */
  private readonly orgWide = new Map<string, SessionHandle[]>();
  private cursor = 0;

  /** Adds a ready session; returns the session of the same agent it replaces, if any (the caller ends it). */
  add(session: SessionHandle): SessionHandle | undefined {
    const previous = this.byAgent.get(session.agentId);
    if (previous) this.remove(previous);
    this.byAgent.set(session.agentId, session);
    if (session.deploymentIds === null) push(this.orgWide, session.orgId, session);
    else for (const id of session.deploymentIds) push(this.byDeployment, id, session);
    return previous;
  }

  /** Removes a session (no-op when it is not the registered session of its agent). */
  remove(session: SessionHandle): void {
    if (this.byAgent.get(session.agentId) !== session) return;
    this.byAgent.delete(session.agentId);
    if (session.deploymentIds === null) pull(this.orgWide, session.orgId, session);
    else for (const id of session.deploymentIds) pull(this.byDeployment, id, session);
  }

  /** The live session of an agent on this replica. */
  get(agentId: string): SessionHandle | undefined {
    return this.byAgent.get(agentId);
  }

  /** Every live session. */
  all(): SessionHandle[] {
    return [...this.byAgent.values()];
  }

  /** True when some session serves all deployments of its organization (dispatch then needs the deployment's organization). */
  hasOrgWideSessions(): boolean {
    return this.orgWide.size > 0;
  }

  /**
   * Picks, round-robin, a ready session serving `deploymentId` and `queue`
   * with a free slot. `orgId` (the deployment's organization) is needed only
   * to consider organization-wide sessions.
   */
  pick(deploymentId: string, orgId?: string, queue = 'default'): SessionHandle | undefined {
    const explicit = this.byDeployment.get(deploymentId);
    const wide = orgId === undefined ? undefined : this.orgWide.get(orgId);
    const a = explicit?.length ?? 0;
    const total = a + (wide?.length ?? 0);
    if (total === 0) return undefined;
    const start = this.cursor++ % total;
    for (let i = 0; i < total; i++) {
      const k = (start + i) % total;
      const s = k < a ? explicit![k]! : wide![k - a]!;
      if (s.queues.has(queue) && s.isReady() && s.availableSlots() > 0) return s;
    }
    return undefined;
  }
}

function push(map: Map<string, SessionHandle[]>, key: string, session: SessionHandle): void {
  const list = map.get(key);
  if (list) list.push(session);
  else map.set(key, [session]);
}

function pull(map: Map<string, SessionHandle[]>, key: string, session: SessionHandle): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(session);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}
