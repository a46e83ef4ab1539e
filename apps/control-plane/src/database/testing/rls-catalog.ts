/**
 * Catalog queries about row-level security, for the tests that prove every
 * tenant table is covered.
 */
import type pg from 'pg';

/** Row-level security state of one table: whether it is enabled and its policies. */
export interface TableSecurity {
  table: string;
  hasOrgId: boolean;
  rlsEnabled: boolean;
  /** pg_policies rows of the table: name, command (ALL, SELECT, …), permissive, USING and WITH CHECK expressions. */
  policies: { name: string; cmd: string; permissive: string; qual: string | null; withCheck: string | null }[];
}

/** Every base table of the current schema with its row-level security state, by name. */
export async function tableSecurity(client: pg.Client): Promise<TableSecurity[]> {
  const { rows } = await client.query<{ table: string; has_org_id: boolean; rls: boolean; policies: TableSecurity['policies'] }>(`
    SELECT c.relname AS table,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped) AS has_org_id,
           c.relrowsecurity AS rls,
           COALESCE((SELECT json_agg(json_build_object('name', p.policyname, 'cmd', p.cmd, 'permissive', p.permissive, 'qual', p.qual, 'withCheck', p.with_check) ORDER BY p.policyname)
                     FROM pg_policies p WHERE p.schemaname = n.nspname AND p.tablename = c.relname), '[]') AS policies
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    ORDER BY c.relname`);
  return rows.map((r) => ({ table: r.table, hasOrgId: r.has_org_id, rlsEnabled: r.rls, policies: r.policies }));
}

/** A SECURITY DEFINER function of the current schema: its signature, `SET` options and whether PUBLIC may execute it. */
export interface DefinerFunction {
  signature: string;
  config: string[];
  publicExecute: boolean;
}

/** Every SECURITY DEFINER function of the current schema. */
export async function definerFunctions(client: pg.Client): Promise<DefinerFunction[]> {
  const { rows } = await client.query<{ signature: string; config: string[] | null; public_execute: boolean }>(`
    SELECT p.oid::regprocedure::text AS signature, p.proconfig AS config,
           EXISTS (SELECT 1 FROM aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS public_execute
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema() AND p.prosecdef
    ORDER BY 1`);
  return rows.map((r) => ({ signature: r.signature, config: r.config ?? [], publicExecute: r.public_execute }));
}
