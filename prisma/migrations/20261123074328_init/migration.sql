-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'STARTING', 'STARTED', 'SUCCESS', 'FAILURE', 'CANCELING', 'CANCELED');

-- CreateEnum
CREATE TYPE "AssetCheckSeverity" AS ENUM ('WARN', 'ERROR');

-- CreateTable
CREATE TABLE "organizations" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployments" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "code_locations" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "current_version_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "code_locations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "code_location_versions" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "code_location_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "reported_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "code_location_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assets" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "code_location_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "key_path" TEXT[],
    "group_name" TEXT NOT NULL DEFAULT 'default',
    "owners" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tags" JSONB NOT NULL DEFAULT '{}',
    "kinds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "description" TEXT,
    "code_version" TEXT,
    "partitions_definition" JSONB,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_dependencies" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "upstream_asset_id" UUID NOT NULL,

    CONSTRAINT "asset_dependencies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_checks" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "blocking" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "asset_checks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runs" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "code_location_id" UUID NOT NULL,
    "code_location_version" INTEGER NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "asset_keys" TEXT[],
    "partition_key" TEXT,
    "partition_range_start" TEXT,
    "partition_range_end" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "agent_id" UUID,
    "lease_expires_at" TIMESTAMPTZ(3),
    "failure_reason" TEXT,
    "traceparent" TEXT,
    "launched_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_events" (
    "id" BIGSERIAL NOT NULL,
    "org_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "level" TEXT,
    "message" TEXT,
    "asset_key" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "timestamp" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "run_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "materializations" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "event_seq" INTEGER NOT NULL,
    "partition_key" TEXT,
    "data_version" TEXT,
    "code_version" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "materializations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_check_evaluations" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "check_name" TEXT NOT NULL,
    "run_id" UUID NOT NULL,
    "event_seq" INTEGER NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "severity" "AssetCheckSeverity" NOT NULL DEFAULT 'ERROR',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "asset_check_evaluations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agents" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "agent_token_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "launcher" TEXT NOT NULL,
    "slots" INTEGER NOT NULL,
    "deployment_ids" TEXT[],
    "connected" BOOLEAN NOT NULL DEFAULT false,
    "connected_at" TIMESTAMPTZ(3),
    "last_heartbeat_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_tokens" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "deployment_ids" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "agent_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "deployments_org_id_name_key" ON "deployments"("org_id", "name");

-- CreateIndex
CREATE INDEX "code_locations_org_id_idx" ON "code_locations"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "code_locations_deployment_id_name_key" ON "code_locations"("deployment_id", "name");

-- CreateIndex
CREATE INDEX "code_location_versions_org_id_idx" ON "code_location_versions"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "code_location_versions_code_location_id_version_key" ON "code_location_versions"("code_location_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "code_location_versions_code_location_id_digest_key" ON "code_location_versions"("code_location_id", "digest");

-- CreateIndex
CREATE INDEX "assets_org_id_idx" ON "assets"("org_id");

-- CreateIndex
CREATE INDEX "assets_code_location_id_idx" ON "assets"("code_location_id");

-- CreateIndex
CREATE UNIQUE INDEX "assets_deployment_id_key_key" ON "assets"("deployment_id", "key");

-- CreateIndex
CREATE INDEX "asset_dependencies_upstream_asset_id_idx" ON "asset_dependencies"("upstream_asset_id");

-- CreateIndex
CREATE INDEX "asset_dependencies_org_id_idx" ON "asset_dependencies"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "asset_dependencies_asset_id_upstream_asset_id_key" ON "asset_dependencies"("asset_id", "upstream_asset_id");

-- CreateIndex
CREATE INDEX "asset_checks_org_id_idx" ON "asset_checks"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "asset_checks_asset_id_name_key" ON "asset_checks"("asset_id", "name");

-- CreateIndex
CREATE INDEX "runs_deployment_id_status_created_at_idx" ON "runs"("deployment_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "runs_org_id_created_at_idx" ON "runs"("org_id", "created_at");

-- CreateIndex
CREATE INDEX "runs_agent_id_status_idx" ON "runs"("agent_id", "status");

-- CreateIndex
CREATE INDEX "run_events_org_id_idx" ON "run_events"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "run_events_run_id_seq_key" ON "run_events"("run_id", "seq");

-- CreateIndex
CREATE INDEX "materializations_asset_id_created_at_idx" ON "materializations"("asset_id", "created_at");

-- CreateIndex
CREATE INDEX "materializations_org_id_idx" ON "materializations"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "materializations_run_id_event_seq_key" ON "materializations"("run_id", "event_seq");

-- CreateIndex
CREATE INDEX "asset_check_evaluations_asset_id_check_name_created_at_idx" ON "asset_check_evaluations"("asset_id", "check_name", "created_at");

-- CreateIndex
CREATE INDEX "asset_check_evaluations_org_id_idx" ON "asset_check_evaluations"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "asset_check_evaluations_run_id_event_seq_key" ON "asset_check_evaluations"("run_id", "event_seq");

-- CreateIndex
CREATE INDEX "agents_org_id_idx" ON "agents"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "agents_org_id_name_key" ON "agents"("org_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "agent_tokens_token_hash_key" ON "agent_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "agent_tokens_org_id_idx" ON "agent_tokens"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_org_id_idx" ON "api_tokens"("org_id");

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "code_locations" ADD CONSTRAINT "code_locations_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "code_location_versions" ADD CONSTRAINT "code_location_versions_code_location_id_fkey" FOREIGN KEY ("code_location_id") REFERENCES "code_locations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_checks" ADD CONSTRAINT "asset_checks_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
