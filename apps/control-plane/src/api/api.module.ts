import { Module } from '@nestjs/common';
import { AgentsViewModule } from '../agents-view/agents-view.module';
import { AuthModule } from '../auth/auth.module';
import { CatalogModule } from '../catalog/catalog.module';
import { CostModule } from '../cost/cost.module';
import { RunsModule } from '../runs/runs.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { ApiCoreModule } from './api-core.module';
import { ApiLimitsModule } from './limits/api-limits.module';
import { UnauthenticatedStatusPlugin } from './plugins/unauthenticated-status.plugin';

/**
 * The public GraphQL API: authentication (global guard), catalog, runs,
 * the read-only agent list and cost, plus the edge: the 401 status plugin and
 * the limits (depth, cost, length, rate; api/limits).
 */
@Module({
  imports: [ApiCoreModule, AuthModule, CatalogModule, RunsModule, AgentsViewModule, CostModule, TenancyModule, ApiLimitsModule],
  providers: [UnauthenticatedStatusPlugin],
})
export class ApiModule {}
