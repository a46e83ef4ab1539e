-- A pooled connection that once set `gantry.org_id` inside a transaction
-- reports '' (not NULL) for it afterwards, and ''::uuid raises an error. Every
-- tenant policy now treats an empty setting as "no organization": no row.
DO $$
DECLARE p record;
BEGIN
  FOR p IN SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = 'tenant_isolation' LOOP
    EXECUTE format('DROP POLICY tenant_isolation ON %I', p.tablename);
    IF p.tablename = 'organizations' THEN
      EXECUTE 'CREATE POLICY tenant_isolation ON organizations USING (id = NULLIF(current_setting(''gantry.org_id'', true), '''')::uuid) WITH CHECK (id = NULLIF(current_setting(''gantry.org_id'', true), '''')::uuid)';
    ELSE
      EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (org_id = NULLIF(current_setting(''gantry.org_id'', true), '''')::uuid) WITH CHECK (org_id = NULLIF(current_setting(''gantry.org_id'', true), '''')::uuid)', p.tablename);
    END IF;
  END LOOP;
END $$;

DROP POLICY user_visibility ON "users";
CREATE POLICY user_visibility ON "users"
  USING (
    id = NULLIF(current_setting('gantry.user_id', true), '')::uuid
    OR id IN (SELECT m.user_id FROM organization_members m WHERE m.org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid)
  )
  WITH CHECK (id = NULLIF(current_setting('gantry.user_id', true), '')::uuid);
