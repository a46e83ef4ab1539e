import { Inject, UseFilters } from '@nestjs/common';
import { ExplicitParamTypes } from '../api/explicit-param-types.decorator';
import { Args, ID, Int, Resolver, Subscription } from '@nestjs/graphql';
import { GraphqlErrorFilter } from '../api/errors/graphql-error.filter';
import type { AuthContext } from '../auth/auth-context';
import { CurrentAuth } from '../auth/current-auth.decorator';
import { RunEvent } from './models/run-event.model';
import { Run } from './models/run.model';
import { RunStreamsService } from './run-streams.service';

/**
 * Live subscriptions of one run over graphql-ws (credentials in
 * `connectionParams.authorization`). Both end by themselves once the run is
 * terminal; leaving early (complete / closing the socket) stops them at once.
 */
@Resolver()
@UseFilters(GraphqlErrorFilter)
@ExplicitParamTypes()
export class RunSubscriptionsResolver {
  constructor(@Inject(RunStreamsService) private readonly streams: RunStreamsService) {}

  @Subscription(() => RunEvent, {
    description:
      'Events of a run: the stored ones with seq > afterSeq first, in order, then each new one as it is committed. Completes after the run ended and all its events were sent.',
    resolve: (event: RunEvent) => event,
  })
  runEvents(
    @CurrentAuth() auth: AuthContext,
    @Args('runId', { type: () => ID }) runId: string,
    @Args('afterSeq', { type: () => Int, defaultValue: 0 }) afterSeq: number,
  ): Promise<AsyncIterableIterator<RunEvent>> {
    return this.streams.events(auth, runId, afterSeq);
  }

  @Subscription(() => Run, {
    description: 'The run now, then on every change of status, agent, failure reason or timestamps. Completes after a terminal status.',
    resolve: (run: Run) => run,
  })
  runStatus(@CurrentAuth() auth: AuthContext, @Args('runId', { type: () => ID }) runId: string): Promise<AsyncIterableIterator<Run>> {
    return this.streams.status(auth, runId);
  }
}
