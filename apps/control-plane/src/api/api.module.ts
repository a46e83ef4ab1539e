import { Module } from '@nestjs/common';
import { AgentsViewModule } from '../agents-view/agents-view.module';
import { AuthModule } from '../auth/auth.module';
import { CatalogModule } from '../catalog/catalog.module';
import { CostModule } from '../cost/cost.module';
import { RunsModule } from '../runs/runs.module';
import { ApiCoreModule } from './api-core.module';
import { DepthLimitPlugin } from './plugins/depth-limit.plugin';
import { UnauthenticatedStatusPlugin } from './plugins/unauthenticated-status.plugin';

/**
 * The public GraphQL API: authentication (global guard), catalog, runs,
 * the read-only agent list and cost, plus the Apollo plugins of the edge (401 status,
 * depth limit).
 */
@Module({
  imports: [ApiCoreModule, AuthModule, CatalogModule, RunsModule, AgentsViewModule, CostModule],
  providers: [UnauthenticatedStatusPlugin, DepthLimitPlugin],
})
export class ApiModule {}
