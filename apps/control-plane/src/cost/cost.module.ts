import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CostBudgetsRepository } from './api/cost-budgets.repository';
import { CostQueriesRepository } from './api/cost-queries.repository';
import { CostResolver } from './api/cost.resolver';
import { CostService } from './api/cost.service';

/** The cost slice of the public API: breakdowns, top assets, trends, per materialization and partition, budgets and alerts. */
@Module({
  imports: [CatalogModule],
  providers: [CostQueriesRepository, CostBudgetsRepository, CostService, CostResolver],
})
export class CostModule {}
