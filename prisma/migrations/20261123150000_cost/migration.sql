-- CreateEnum
CREATE TYPE "CostSource" AS ENUM ('MEASURED', 'PRICED', 'REPORTED');

-- CreateEnum
CREATE TYPE "CostBudgetScope" AS ENUM ('ASSET', 'GROUP', 'DEPLOYMENT');

-- CreateEnum
CREATE TYPE "CostBudgetPeriod" AS ENUM ('DAY', 'WEEK', 'MONTH');

-- CreateTable
CREATE TABLE "cost_records" (
    "id" BIGSERIAL NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "event_seq" INTEGER NOT NULL,
    "materialization_seq" INTEGER NOT NULL DEFAULT 0,
    "partition_key" TEXT,
    "source" "CostSource" NOT NULL,
    "metric" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "amount" DECIMAL(38,9) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cost_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cost_daily_rollups" (
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "unit" TEXT NOT NULL,
    "amount" DECIMAL(38,9) NOT NULL,
    "measured_amount" DECIMAL(38,9) NOT NULL DEFAULT 0,
    "priced_amount" DECIMAL(38,9) NOT NULL DEFAULT 0,
    "reported_amount" DECIMAL(38,9) NOT NULL DEFAULT 0,
    "record_count" INTEGER NOT NULL DEFAULT 0,
    "cum_amount" DECIMAL(38,9) NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cost_daily_rollups_pkey" PRIMARY KEY ("asset_id","day","unit")
);

-- CreateTable
CREATE TABLE "cost_asset_totals" (
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "unit" TEXT NOT NULL,
    "first_day" DATE NOT NULL,
    "last_day" DATE NOT NULL,
    "total" DECIMAL(38,9) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cost_asset_totals_pkey" PRIMARY KEY ("asset_id","unit")
);

-- CreateTable
CREATE TABLE "cost_budgets" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scope" "CostBudgetScope" NOT NULL,
    "asset_id" UUID,
    "group_name" TEXT,
    "period" "CostBudgetPeriod" NOT NULL,
    "limit_usd" DECIMAL(20,6) NOT NULL,
    "webhook_url" TEXT NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cost_budgets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cost_alerts" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "budget_id" UUID NOT NULL,
    "period_start" DATE NOT NULL,
    "threshold_percent" INTEGER NOT NULL,
    "spent_usd" DECIMAL(38,9) NOT NULL,
    "limit_usd" DECIMAL(20,6) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,

    CONSTRAINT "cost_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "cost_records_org_id_idx" ON "cost_records"("org_id");

-- CreateIndex
CREATE INDEX "cost_records_asset_id_occurred_at_idx" ON "cost_records"("asset_id", "occurred_at");

-- CreateIndex
CREATE INDEX "cost_records_asset_id_partition_key_idx" ON "cost_records"("asset_id", "partition_key");

-- CreateIndex
CREATE UNIQUE INDEX "cost_records_run_id_event_seq_asset_id_metric_materializati_key" ON "cost_records"("run_id", "event_seq", "asset_id", "metric", "materialization_seq");

-- CreateIndex
CREATE INDEX "cost_daily_rollups_org_id_idx" ON "cost_daily_rollups"("org_id");

-- CreateIndex
CREATE INDEX "cost_daily_rollups_org_id_unit_day_asset_id_amount_cum_amount_idx" ON "cost_daily_rollups"("org_id", "unit", "day", "asset_id", "amount", "cum_amount");

-- CreateIndex
CREATE INDEX "cost_asset_totals_org_id_idx" ON "cost_asset_totals"("org_id");

-- CreateIndex
CREATE INDEX "cost_asset_totals_org_id_unit_idx" ON "cost_asset_totals"("org_id", "unit");

-- CreateIndex
CREATE INDEX "cost_budgets_org_id_idx" ON "cost_budgets"("org_id");

-- CreateIndex
CREATE INDEX "cost_budgets_deployment_id_idx" ON "cost_budgets"("deployment_id");

-- CreateIndex
CREATE UNIQUE INDEX "cost_budgets_org_id_name_key" ON "cost_budgets"("org_id", "name");

-- CreateIndex
CREATE INDEX "cost_alerts_org_id_idx" ON "cost_alerts"("org_id");

-- CreateIndex
CREATE INDEX "cost_alerts_org_id_delivered_at_idx" ON "cost_alerts"("org_id", "delivered_at");

-- CreateIndex
CREATE UNIQUE INDEX "cost_alerts_budget_id_period_start_threshold_percent_key" ON "cost_alerts"("budget_id", "period_start", "threshold_percent");

-- Row-level security: a transaction sees and writes only the rows of the
-- organization in `gantry.org_id` (set per transaction by TenantDb). An empty
-- setting (a pooled connection after a transaction that set it) means no
-- organization: no row (as main's 20261123130000_rls_unset_organization).
ALTER TABLE "cost_records" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "cost_records" USING (org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid) WITH CHECK (org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid);

ALTER TABLE "cost_daily_rollups" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "cost_daily_rollups" USING (org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid) WITH CHECK (org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid);

ALTER TABLE "cost_asset_totals" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "cost_asset_totals" USING (org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid) WITH CHECK (org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid);

ALTER TABLE "cost_budgets" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "cost_budgets" USING (org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid) WITH CHECK (org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid);

ALTER TABLE "cost_alerts" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "cost_alerts" USING (org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid) WITH CHECK (org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid);

-- The alert deliverer's boot sweep runs with no organization set (row-level
-- security hides every alert then): this returns only the ids of the
-- organizations with alerts still to deliver, nothing else.
CREATE FUNCTION gantry_cost_alert_organizations(p_max_attempts integer)
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT DISTINCT org_id FROM cost_alerts WHERE delivered_at IS NULL AND attempts < p_max_attempts
$$;
REVOKE ALL ON FUNCTION gantry_cost_alert_organizations(integer) FROM PUBLIC;
