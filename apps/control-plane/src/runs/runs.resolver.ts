import { Inject, UseFilters } from '@nestjs/common';
import { ExplicitParamTypes } from '../api/explicit-param-types.decorator';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { RunStatus } from '@gantry/domain';
import { GraphqlErrorFilter } from '../api/errors/graphql-error.filter';
import { GraphqlErrorMapper } from '../api/errors/graphql-error.mapper';
import type { GraphqlContext } from '../api/graphql-context';
import { pageSize } from '../api/pagination/cursor';
import { toConnection, type ConnectionShape } from '../api/pagination/connection';
import { Agent } from '../agents-view/models/agent.model';
import { AgentsViewService } from '../agents-view/agents-view.service';
import type { AuthContext } from '../auth/auth-context';
import { CurrentAuth } from '../auth/current-auth.decorator';
import { CatalogLoaders } from '../catalog/catalog.loaders';
import { CodeLocation } from '../catalog/models/code-location.model';
import { Deployment } from '../catalog/models/deployment.model';
import { LaunchRunInput } from './dto/launch-run.input';
import { RunEventConnection, type RunEvent } from './models/run-event.model';
import { RunStatusEnum } from './models/run-status.enum';
import { Run, RunConnection } from './models/run.model';
import { eventCursor, toRunEvent } from './runs.mappers';
import { RunsLoaders } from './runs.loaders';
import { decodeEventCursor, RunsService } from './runs.service';

/** Queries and mutations of runs, and the relations of a run (batched per request). */
@Resolver(() => Run)
@UseFilters(GraphqlErrorFilter)
@ExplicitParamTypes()
export class RunsResolver {
  constructor(
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(RunsLoaders) private readonly loaders: RunsLoaders,
    @Inject(CatalogLoaders) private readonly catalog: CatalogLoaders,
    @Inject(AgentsViewService) private readonly agents: AgentsViewService,
    @Inject(GraphqlErrorMapper) private readonly errors: GraphqlErrorMapper,
  ) {}

  @Query(() => Run, { nullable: true, description: 'A run of your organization; null when unknown.' })
  run(@CurrentAuth() auth: AuthContext, @Args('id', { type: () => ID }) id: string): Promise<Run | null> {
    return this.runs.get(auth, id);
  }

  @Query(() => RunConnection, { name: 'runs', description: 'Runs of a deployment, newest first (at most 100 per page).' })
  runsList(
    @CurrentAuth() auth: AuthContext,
    @Args('deployment', { type: () => String, defaultValue: 'prod' }) deployment: string,
    @Args('status', { type: () => [RunStatusEnum], nullable: true, description: 'Only runs in one of these statuses.' }) status: RunStatus[] | null | undefined,
    @Args('assetKey', { type: () => String, nullable: true, description: 'Only runs whose selection contains this asset.' }) assetKey: string | null | undefined,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
  ): Promise<ConnectionShape<Run>> {
    return this.runs.list(auth, { deployment, statuses: status, assetKey, first, after });
  }

  @Mutation(() => Run, { description: 'Queues a run of assets of one code location; an agent picks it up at once.' })
  launchRun(@CurrentAuth() auth: AuthContext, @Args('input', { type: () => LaunchRunInput }) input: LaunchRunInput): Promise<Run> {
    return this.runs.launch(auth, input);
  }

  @Mutation(() => Run, { description: 'Cancels a run: QUEUED ends at once as CANCELED; a started run becomes CANCELING until its agent stops it.' })
  cancelRun(@CurrentAuth() auth: AuthContext, @Args('id', { type: () => ID }) id: string): Promise<Run> {
    return this.runs.cancel(auth, id);
  }

  @ResolveField('deployment', () => Deployment)
  async deployment(@Parent() run: Run, @Context() ctx: GraphqlContext): Promise<Deployment> {
    const found = await this.catalog.for(ctx).deployment.load(run.deploymentId);
    if (!found) throw this.errors.toGraphQLError(new Error(`deployment ${run.deploymentId} of run ${run.id} is missing`));
    return found;
  }

  @ResolveField('codeLocation', () => CodeLocation, { nullable: true })
  codeLocation(@Parent() run: Run, @Context() ctx: GraphqlContext): Promise<CodeLocation | null> {
    return this.catalog.for(ctx).codeLocation.load(run.codeLocationId);
  }

  @ResolveField('agent', () => Agent, { nullable: true, description: 'The agent that holds or held the run; null while queued.' })
  async agent(@Parent() run: Run, @Context() ctx: GraphqlContext): Promise<Agent | null> {
    return run.agentId ? this.agents.loader(ctx).load(run.agentId) : null;
  }

  @ResolveField('events', () => RunEventConnection, { description: 'Events in seq order; a cursor is the seq (pass "0" or omit to start).' })
  events(
    @Parent() run: Run,
    @Context() ctx: GraphqlContext,
    @Args('first', { type: () => Int, defaultValue: 100 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
  ): Promise<ConnectionShape<RunEvent>> {
    return this.errors.guard(async () => {
      const limit = pageSize(first, 1000);
      const rows = await this.loaders.events(ctx).load({ runId: run.id, afterSeq: decodeEventCursor(after), limit: limit + 1 });
      return toConnection(rows, limit, (r) => eventCursor(r.seq), toRunEvent);
    });
  }
}
