-- gantry_sign_in failed whenever it accepted an invitation: in
-- `ON CONFLICT (org_id, user_id)` the column name `user_id` is ambiguous with the
-- function's OUT column `user_id` (RETURNS TABLE), so PL/pgSQL raised 42702.
-- Column names now win over variables inside the function (every variable of
-- its own is prefixed `v_` or `p_`). Same body otherwise.
CREATE OR REPLACE FUNCTION gantry_sign_in(p_issuer text, p_subject text, p_email text, p_email_verified boolean, p_name text)
RETURNS TABLE (user_id uuid, created boolean, accepted_invitation_ids uuid[], accepted_org_ids uuid[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
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
