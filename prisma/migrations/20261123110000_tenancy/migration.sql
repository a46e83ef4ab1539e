-- Tenancy: users, memberships, teams, role grants, invitations, token roles and
-- rotation; row-level security on every tenant table.

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('VIEWER', 'LAUNCHER', 'EDITOR', 'ADMIN', 'OWNER');

-- CreateEnum
CREATE TYPE "PrincipalKind" AS ENUM ('USER', 'TEAM', 'API_TOKEN');

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN "audit_retention_days" INTEGER NOT NULL DEFAULT 365;

-- AlterTable
ALTER TABLE "agent_tokens" ADD COLUMN "created_by" TEXT,
ADD COLUMN "previous_expires_at" TIMESTAMPTZ(3),
ADD COLUMN "previous_token_hash" TEXT,
ADD COLUMN "rotated_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN "code_location_id" UUID,
ADD COLUMN "created_by" TEXT,
ADD COLUMN "deployment_id" UUID,
ADD COLUMN "role" "Role" NOT NULL DEFAULT 'ADMIN';

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "email" TEXT,
    "name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_sign_in_at" TIMESTAMPTZ(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organization_members" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_members_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "teams" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "teams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "team_members" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "team_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,

    CONSTRAINT "team_members_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role_grants" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "principal_kind" "PrincipalKind" NOT NULL,
    "principal_id" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "deployment_id" UUID,
    "code_location_id" UUID,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "role_grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invitations" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "deployment_id" UUID,
    "code_location_id" UUID,
    "invited_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "accepted_by" UUID,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "invitations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "users_email_idx" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "users_issuer_subject_key" ON "users"("issuer", "subject");

-- CreateIndex
CREATE INDEX "organization_members_user_id_idx" ON "organization_members"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "organization_members_org_id_user_id_key" ON "organization_members"("org_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "teams_org_id_name_key" ON "teams"("org_id", "name");

-- CreateIndex
CREATE INDEX "team_members_org_id_idx" ON "team_members"("org_id");

-- CreateIndex
CREATE UNIQUE INDEX "team_members_team_id_user_id_key" ON "team_members"("team_id", "user_id");

-- CreateIndex
CREATE INDEX "role_grants_org_id_principal_kind_principal_id_idx" ON "role_grants"("org_id", "principal_kind", "principal_id");

-- CreateIndex
CREATE INDEX "invitations_org_id_idx" ON "invitations"("org_id");

-- CreateIndex
CREATE INDEX "invitations_email_idx" ON "invitations"("email");

-- CreateIndex
CREATE UNIQUE INDEX "agent_tokens_previous_token_hash_key" ON "agent_tokens"("previous_token_hash");

-- One grant per principal and scope (Prisma cannot express NULLS NOT DISTINCT).
CREATE UNIQUE INDEX "role_grants_principal_scope_key" ON "role_grants"("org_id", "principal_kind", "principal_id", "deployment_id", "code_location_id") NULLS NOT DISTINCT;

-- Row-level security. The service connects as a role without BYPASSRLS and sets
-- `gantry.org_id` per transaction (TenantDb); a transaction that sets nothing
-- sees no tenant row. The owner (migrations) is exempt as table owner.
DO $$
DECLARE t text;
BEGIN
  FOR t IN
    SELECT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
    WHERE c.table_schema = current_schema() AND c.column_name = 'org_id'
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (org_id = current_setting(''gantry.org_id'', true)::uuid) WITH CHECK (org_id = current_setting(''gantry.org_id'', true)::uuid)', t);
  END LOOP;
END $$;

ALTER TABLE "organizations" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "organizations"
  USING (id = current_setting('gantry.org_id', true)::uuid)
  WITH CHECK (id = current_setting('gantry.org_id', true)::uuid);

-- A user is visible to themself (`gantry.user_id`) and to the organizations they belong to.
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;
CREATE POLICY user_visibility ON "users"
  USING (
    id = current_setting('gantry.user_id', true)::uuid
    OR id IN (SELECT m.user_id FROM organization_members m WHERE m.org_id = current_setting('gantry.org_id', true)::uuid)
  )
  WITH CHECK (id = current_setting('gantry.user_id', true)::uuid);

-- The few lookups that must cross tenants run as the owner through these
-- SECURITY DEFINER functions, each returning only what its caller needs.

-- An API token by the SHA-256 of its secret: how a request learns its organization.
CREATE FUNCTION gantry_api_token_by_hash(p_hash text)
RETURNS TABLE (id uuid, org_id uuid, role "Role", deployment_id uuid, code_location_id uuid, expires_at timestamptz, revoked_at timestamptz, last_used_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.id, t.org_id, t.role, t.deployment_id, t.code_location_id, t.expires_at, t.revoked_at, t.last_used_at
  FROM api_tokens t WHERE t.token_hash = p_hash
$$;

-- An agent token by the SHA-256 of its current or (during a rotation's grace period) previous secret.
CREATE FUNCTION gantry_agent_token_by_hash(p_hash text)
RETURNS TABLE (id uuid, org_id uuid, name text, deployment_ids text[], expires_at timestamptz, revoked_at timestamptz, is_previous boolean, previous_expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.id, t.org_id, t.name, t.deployment_ids, t.expires_at, t.revoked_at, t.token_hash <> p_hash, t.previous_expires_at
  FROM agent_tokens t WHERE t.token_hash = p_hash OR t.previous_token_hash = p_hash
  LIMIT 1
$$;

-- An organization by slug (the name a request uses), with nothing else.
CREATE FUNCTION gantry_organization_by_slug(p_slug text)
RETURNS TABLE (id uuid, slug text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT o.id, o.slug, o.name FROM organizations o WHERE o.slug = p_slug
$$;

-- The organizations a user belongs to.
CREATE FUNCTION gantry_user_organizations(p_user_id uuid)
RETURNS TABLE (id uuid, slug text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT o.id, o.slug, o.name FROM organizations o
  JOIN organization_members m ON m.org_id = o.id
  WHERE m.user_id = p_user_id ORDER BY o.slug
$$;

-- Sign-in: creates or refreshes the user of (issuer, subject) and accepts the
-- open invitations for its email when the issuer says the email is verified.
-- Returns the user and the invitations accepted now (their organizations
-- write the audit events).
CREATE FUNCTION gantry_sign_in(p_issuer text, p_subject text, p_email text, p_email_verified boolean, p_name text)
RETURNS TABLE (user_id uuid, created boolean, accepted_invitation_ids uuid[], accepted_org_ids uuid[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
-- Column names win over the OUT columns (user_id …) in ON CONFLICT targets; own variables are v_/p_.
DECLARE
  v_user uuid;
  v_created boolean := false;
  v_inv record;
  v_ids uuid[] := '{}';
  v_orgs uuid[] := '{}';
BEGIN
  SELECT u.id INTO v_user FROM users u WHERE u.issuer = p_issuer AND u.subject = p_subject;
  IF v_user IS NULL THEN
    INSERT INTO users (id, issuer, subject, email, name, last_sign_in_at)
    VALUES (gen_random_uuid(), p_issuer, p_subject, lower(p_email), p_name, now())
    ON CONFLICT (issuer, subject) DO UPDATE SET last_sign_in_at = now()
    RETURNING users.id, (xmax = 0) INTO v_user, v_created;
  ELSE
    UPDATE users SET email = lower(p_email), name = p_name, last_sign_in_at = now() WHERE users.id = v_user;
  END IF;
  IF p_email IS NOT NULL AND p_email_verified THEN
    FOR v_inv IN
      SELECT i.* FROM invitations i
      WHERE i.email = lower(p_email) AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
      ORDER BY i.created_at FOR UPDATE
    LOOP
      INSERT INTO organization_members (id, org_id, user_id) VALUES (gen_random_uuid(), v_inv.org_id, v_user)
      ON CONFLICT (org_id, user_id) DO NOTHING;
      INSERT INTO role_grants (id, org_id, principal_kind, principal_id, role, deployment_id, code_location_id, created_by)
      VALUES (gen_random_uuid(), v_inv.org_id, 'USER', v_user, v_inv.role, v_inv.deployment_id, v_inv.code_location_id, v_inv.invited_by)
      ON CONFLICT (org_id, principal_kind, principal_id, deployment_id, code_location_id) DO UPDATE
        SET role = CASE WHEN array_position(enum_range(NULL::"Role"), EXCLUDED.role) > array_position(enum_range(NULL::"Role"), role_grants.role)
                        THEN EXCLUDED.role ELSE role_grants.role END;
      UPDATE invitations SET accepted_at = now(), accepted_by = v_user WHERE invitations.id = v_inv.id;
      v_ids := v_ids || v_inv.id;
      v_orgs := v_orgs || v_inv.org_id;
    END LOOP;
  END IF;
  RETURN QUERY SELECT v_user, v_created, v_ids, v_orgs;
END
$$;

-- Runs whose lease expired, across organizations, for the lease reaper (which
-- then fails each run inside its own organization).
CREATE FUNCTION gantry_expired_leases(p_limit integer)
RETURNS TABLE (run_id uuid, org_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT r.id, r.org_id FROM runs r
  WHERE r.status IN ('STARTING', 'STARTED', 'CANCELING') AND r.lease_expires_at < now()
  ORDER BY r.lease_expires_at LIMIT p_limit
$$;

REVOKE ALL ON FUNCTION gantry_api_token_by_hash(text), gantry_agent_token_by_hash(text), gantry_organization_by_slug(text),
  gantry_user_organizations(uuid), gantry_sign_in(text, text, text, boolean, text), gantry_expired_leases(integer) FROM PUBLIC;
