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

/** The policy expression every tenant table must use: an unset or empty setting means no organization. */
const ORG_SETTING_EXPR = String.raw`\(NULLIF\(current_setting\('gantry\.org_id'::text, true\), ''::text\)\)::uuid`;

/**
 * What is wrong with the row-level security of `tables` (empty when nothing):
 * every table with `org_id` and every table named in `globalTables` must have
 * RLS enabled and only permissive policies for ALL commands with USING and
 * WITH CHECK; tenant tables (and `organizations`, on `id`) must have a
 * `tenant_isolation` policy comparing with `NULLIF(current_setting('gantry.org_id', true), '')::uuid`
 * in both. Each problem is one line starting with the table name.
 */
export function rlsCoverageProblems(tables: readonly TableSecurity[], globalTables: readonly string[]): string[] {
  const problems: string[] = [];
  for (const s of tables.filter((t) => t.hasOrgId || globalTables.includes(t.table))) {
    if (!s.rlsEnabled) problems.push(`${s.table}: row-level security is not enabled`);
    if (s.policies.length === 0) problems.push(`${s.table}: has no policy`);
    for (const p of s.policies) {
      if (p.cmd !== 'ALL') problems.push(`${s.table}.${p.name}: covers ${p.cmd} only, not ALL`);
      if (p.permissive !== 'PERMISSIVE') problems.push(`${s.table}.${p.name}: is ${p.permissive}`);
      if (!p.qual || !p.withCheck) problems.push(`${s.table}.${p.name}: lacks USING or WITH CHECK`);
    }
    if (!s.hasOrgId && s.table !== 'organizations') continue;
    const column = s.hasOrgId ? 'org_id' : 'id';
    const expr = new RegExp(`^\\(${column} = ${ORG_SETTING_EXPR}\\)$`);
    const isolation = s.policies.find((p) => p.name === 'tenant_isolation');
    if (!isolation) problems.push(`${s.table}: has no tenant_isolation policy`);
    else if (!expr.test(isolation.qual ?? '') || !expr.test(isolation.withCheck ?? '')) {
      problems.push(`${s.table}: tenant_isolation must compare ${column} with NULLIF(current_setting('gantry.org_id', true), '')::uuid in USING and WITH CHECK`);
    }
  }
  return problems;
}
