import { Module } from '@nestjs/common';
import { CostAlertDeliverer } from './alerts/cost-alert-deliverer';
import { CostBudgetsEvaluator } from './alerts/cost-budgets-evaluator';
import { CostIngestService } from './ingest/cost-ingest.service';
import { CostRecordsRepository } from './ingest/cost-records.repository';

/** Cost on the ingest path: records, rollups, budget evaluation, alert delivery. Imported by the agents module. */
@Module({
  providers: [CostRecordsRepository, CostBudgetsEvaluator, CostAlertDeliverer, CostIngestService],
  exports: [CostIngestService, CostAlertDeliverer],
})
export class CostIngestModule {}
