import { Module } from '@nestjs/common';
import { AgentsViewModule } from '../agents-view/agents-view.module';
import { CatalogModule } from '../catalog/catalog.module';
import { RunNotificationsHub } from './run-notifications.hub';
import { RunStreamsService } from './run-streams.service';
import { RunSubscriptionsResolver } from './run-subscriptions.resolver';
import { RunsLoaders } from './runs.loaders';
import { RunsRepository } from './runs.repository';
import { RunsResolver } from './runs.resolver';
import { RunsService } from './runs.service';

/** The runs slice of the public API: queries, launch and cancel, live subscriptions. */
@Module({
  imports: [CatalogModule, AgentsViewModule],
  providers: [RunsRepository, RunsService, RunsLoaders, RunNotificationsHub, RunStreamsService, RunsResolver, RunSubscriptionsResolver],
  exports: [RunsService, RunNotificationsHub],
})
export class RunsModule {}
