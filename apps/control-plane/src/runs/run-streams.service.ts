import { Inject, Injectable } from '@nestjs/common';
import { isTerminalRunStatus } from '@gantry/domain';
import { GraphqlErrorMapper } from '../api/errors/graphql-error.mapper';
import { InvalidArgumentError } from '../api/errors/api.errors';
import type { AuthContext } from '../auth/auth-context';
import { LiveIterator } from './live-iterator';
import type { RunEvent } from './models/run-event.model';
import type { Run } from './models/run.model';
import { RunNotificationsHub } from './run-notifications.hub';
import { toRun, toRunEvent } from './runs.mappers';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';

/** Events fetched per poll of a live event stream. */
export const EVENT_STREAM_BATCH = 500;

/**
 * Live streams of one run for GraphQL subscriptions, woken by
 * `gantry_run_events` notifications. Each stream checks the run belongs to the
 * caller's organization before it starts and reads only that run.
 */
@Injectable()
export class RunStreamsService {
  constructor(
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(RunsRepository) private readonly repo: RunsRepository,
    @Inject(RunNotificationsHub) private readonly hub: RunNotificationsHub,
    @Inject(GraphqlErrorMapper) private readonly errors: GraphqlErrorMapper,
  ) {}

  /**
   * Stored events with `seq > afterSeq` in order, then each new event as it is
   * committed. Ends after the run reached a terminal status and every event
   * committed before that was sent. Errors: RUN_NOT_FOUND, INVALID_ARGUMENT.
   */
  async events(auth: AuthContext, runId: string, afterSeq: number): Promise<AsyncIterableIterator<RunEvent>> {
    if (!Number.isInteger(afterSeq) || afterSeq < 0) throw new InvalidArgumentError('afterSeq', 'must be 0 or a positive integer');
    await this.runs.require(auth, runId);
    const { orgId } = auth;
    let last = afterSeq;
    return new LiveIterator<RunEvent>({
      watch: (wake) => this.hub.watch(runId, wake),
      mapError: (error) => this.errors.toGraphQLError(error),
      poll: async () => {
        // Status first: every event committed before a terminal status is then visible to the read below.
        const run = await this.repo.findById(orgId, runId);
        const rows = await this.repo.eventsAfter(orgId, runId, last, EVENT_STREAM_BATCH + 1);
        const page = rows.slice(0, EVENT_STREAM_BATCH);
        last = page.at(-1)?.seq ?? last;
        const more = rows.length > EVENT_STREAM_BATCH;
        return { items: page.map(toRunEvent), more, done: !more && (!run || isTerminalRunStatus(run.status)) };
      },
    });
  }

  /**
   * The run now, then again whenever its status, agent, failure reason or
   * timestamps change. Ends after a terminal status was sent.
   * Errors: RUN_NOT_FOUND.
   */
  async status(auth: AuthContext, runId: string): Promise<AsyncIterableIterator<Run>> {
    await this.runs.require(auth, runId);
    const { orgId } = auth;
    let lastSignature = '';
    return new LiveIterator<Run>({
      watch: (wake) => this.hub.watch(runId, wake),
      mapError: (error) => this.errors.toGraphQLError(error),
      poll: async () => {
        const row = await this.repo.findById(orgId, runId);
        if (!row) return { items: [], more: false, done: true };
        const run = toRun(row);
        const signature = JSON.stringify([run.status, run.agentId, run.failureReason, run.startedAt, run.endedAt]);
        const changed = signature !== lastSignature;
        lastSignature = signature;
        return { items: changed ? [run] : [], more: false, done: isTerminalRunStatus(run.status) };
      },
    });
  }
}
