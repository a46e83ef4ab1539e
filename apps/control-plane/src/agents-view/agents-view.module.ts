import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { AgentsViewRepository } from './agents-view.repository';
import { AgentsViewResolver } from './agents-view.resolver';
import { AgentsViewService } from './agents-view.service';

/** Read-only view of agents for the public API (the gRPC AgentService lives in src/agents). */
@Module({
  imports: [CatalogModule],
  providers: [AgentsViewRepository, AgentsViewService, AgentsViewResolver],
  exports: [AgentsViewService],
})
export class AgentsViewModule {}
