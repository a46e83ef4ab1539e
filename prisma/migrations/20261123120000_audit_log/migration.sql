-- Audit log: one append-only hash chain of events per organization
-- (apps/control-plane/src/audit, libs/db/src/audit-chain.ts).

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor_label" TEXT,
    "action" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "outcome" TEXT NOT NULL DEFAULT 'success',
    "before" JSONB,
    "after" JSONB,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "source_ip" TEXT,
    "user_agent" TEXT,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_events_org_id_occurred_at_idx" ON "audit_events"("org_id", "occurred_at");

-- CreateIndex
CREATE INDEX "audit_events_org_id_action_idx" ON "audit_events"("org_id", "action");

-- CreateIndex
CREATE INDEX "audit_events_org_id_target_type_target_id_idx" ON "audit_events"("org_id", "target_type", "target_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_org_id_seq_key" ON "audit_events"("org_id", "seq");

-- Row-level security, as on every tenant table.
ALTER TABLE "audit_events" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "audit_events"
  USING (org_id = current_setting('gantry.org_id', true)::uuid)
  WITH CHECK (org_id = current_setting('gantry.org_id', true)::uuid);

-- Retention. The service's role may only SELECT and INSERT audit events
-- (libs/db/src/migrate.ts), so deletions go through this function, owned by the
-- owner. It deletes, per organization (all when p_org_id is NULL), the events
-- older than `organizations.audit_retention_days` (at least 1 day), and never
-- the newest event of an organization: the chain always has a head to continue
-- from. The oldest remaining event's prev_hash (the hash of the last deleted
-- event) is the anchor that verification starts from.
CREATE FUNCTION gantry_audit_apply_retention(p_org_id uuid DEFAULT NULL)
RETURNS TABLE (org_id uuid, deleted bigint)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH doomed AS (
    DELETE FROM audit_events e
    USING organizations o
    WHERE o.id = e.org_id
      AND (p_org_id IS NULL OR o.id = p_org_id)
      AND e.occurred_at < now() - make_interval(days => GREATEST(o.audit_retention_days, 1))
      AND e.seq < (SELECT max(h.seq) FROM audit_events h WHERE h.org_id = e.org_id)
    RETURNING e.org_id
  )
  SELECT d.org_id, count(*)::bigint FROM doomed d GROUP BY d.org_id
$$;

REVOKE ALL ON FUNCTION gantry_audit_apply_retention(uuid) FROM PUBLIC;
