import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { GraphqlErrorMapper } from '../api/errors/graphql-error.mapper';
import { perRequest, type GraphqlContext } from '../api/graphql-context';
import { authOf } from '../auth/auth.service';
import type { RunEventRow, EventsPageKey } from './runs.repository';
import { RunsRepository } from './runs.repository';

/**
 * The request's loader of run event pages: `Run.events` over a list of runs
 * costs one statement (a LATERAL join), not one per run.
 */
@Injectable()
export class RunsLoaders {
  constructor(
    @Inject(RunsRepository) private readonly repo: RunsRepository,
    @Inject(GraphqlErrorMapper) private readonly errors: GraphqlErrorMapper,
  ) {}

  events(ctx: GraphqlContext): DataLoader<EventsPageKey, RunEventRow[], string> {
    const { orgId } = authOf(ctx);
    return perRequest(
      ctx,
      this,
      () =>
        new DataLoader<EventsPageKey, RunEventRow[], string>((keys) => this.errors.guard(() => this.repo.eventsPages(orgId, keys)), {
          cacheKeyFn: (k) => `${k.runId}/${k.afterSeq}/${k.limit}`,
        }),
    );
  }
}
