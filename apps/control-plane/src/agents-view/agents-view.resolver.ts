import { Inject, UseFilters } from '@nestjs/common';
import { Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphqlErrorFilter } from '../api/errors/graphql-error.filter';
import type { GraphqlContext } from '../api/graphql-context';
import type { AuthContext } from '../auth/auth-context';
import { CurrentAuth } from '../auth/current-auth.decorator';
import { CatalogLoaders } from '../catalog/catalog.loaders';
import { AgentsViewService } from './agents-view.service';
import { Agent } from './models/agent.model';

/** `agents` query and the agent's deployment names. */
@Resolver(() => Agent)
@UseFilters(GraphqlErrorFilter)
export class AgentsViewResolver {
  constructor(
    @Inject(AgentsViewService) private readonly service: AgentsViewService,
    @Inject(CatalogLoaders) private readonly catalog: CatalogLoaders,
  ) {}

  @Query(() => [Agent], { description: 'Agents of your organization, connected first.' })
  agents(@CurrentAuth() auth: AuthContext): Promise<Agent[]> {
    return this.service.list(auth);
  }

  @ResolveField('deployments', () => [String], { description: 'Names of the deployments it serves; empty means every deployment of the organization.' })
  async deployments(@Parent() agent: Agent, @Context() ctx: GraphqlContext): Promise<string[]> {
    const found = await this.catalog.for(ctx).deployment.loadMany(agent.deploymentIds);
    return found.flatMap((d) => (d && !(d instanceof Error) ? [d.name] : [])).sort();
  }
}
