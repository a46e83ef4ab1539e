import pg from 'pg';
import { openSchemaEngine } from './schema-engine';

const noFilters = { externalTables: [], externalEnums: [] };

/** Options of {@link migrateDatabase} and {@link resetDatabase}. */
export interface MigrateOptions {
  /** Owner connection string (DDL rights). */
  databaseUrl: string;
  /** Path of schema.prisma; migrations are read from `migrations/` beside it. */
  schemaPath?: string;
  /**
   * Runtime role to grant exactly what the service needs: data access on the
   * tenant tables, INSERT/SELECT only on the append-only `run_events` and
   * `audit_events` (audit retention deletes through the owner's SECURITY DEFINER
   * function `gantry_audit_apply_retention`), nothing on
   * `_prisma_migrations`, no DDL. Created (LOGIN, NOBYPASSRLS) when missing.
   */
  appRole?: string;
  /** Receives one human-readable line per step. Default: console.log. */
  log?: (line: string) => void;
}

/** Result of a migration: the migrations applied now (empty when up to date). */
export interface MigrateResult {
  applied: string[];
  total: number;
}

/**
 * Applies pending Prisma-format migrations through Prisma's WebAssembly schema
 * engine, then grants the app role. Idempotent. Errors: the engine's error
 * (with the failing migration's name) when a migration fails; connection errors.
 */
export async function migrateDatabase(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const target = redact(options.databaseUrl);
  log(`Migrating the system database at ${target}`);
  const se = await openSchemaEngine({ databaseUrl: options.databaseUrl, ...(options.schemaPath && { schemaPath: options.schemaPath }) });
  try {
    const migrationsList = await se.migrationList();
    const { appliedMigrationNames } = await se.engine.applyMigrations({ migrationsList, filters: noFilters });
    for (const name of appliedMigrationNames) log(`  applied ${name}`);
    const total = migrationsList.migrationDirectories.length;
    log(appliedMigrationNames.length ? `Applied ${appliedMigrationNames.length} migration(s); ${total} in total.` : `Database is up to date (${total} migration(s) applied).`);
    if (options.appRole) await grantAppRole(options.databaseUrl, options.appRole, log);
    return { applied: appliedMigrationNames, total };
  } finally {
    await se.close();
  }
}

/** Drops every object in the database's schema, then migrates it from scratch. */
export async function resetDatabase(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  log(`Resetting the system database at ${redact(options.databaseUrl)}: every table and row is dropped`);
  const se = await openSchemaEngine({ databaseUrl: options.databaseUrl, ...(options.schemaPath && { schemaPath: options.schemaPath }) });
  try {
    await se.engine.reset({ filter: noFilters });
  } finally {
    await se.close();
  }
  return migrateDatabase(options);
}

/** Tables the runtime may only append to and read. */
const APPEND_ONLY_TABLES = ['run_events', 'audit_events'];

async function grantAppRole(databaseUrl: string, role: string, log: (l: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = pg.escapeIdentifier(role);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (!exists.rowCount) {
      await client.query(`CREATE ROLE ${r} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
      log(`Created role ${role} (LOGIN, NOBYPASSRLS); set its password with ALTER ROLE.`);
    }
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'",
    );
    await client.query('BEGIN');
    await client.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    for (const { tablename } of rows) {
      const t = pg.escapeIdentifier(tablename);
      await client.query(`REVOKE ALL ON ${t} FROM ${r}`);
      const privileges = APPEND_ONLY_TABLES.includes(tablename) ? 'SELECT, INSERT' : 'SELECT, INSERT, UPDATE, DELETE';
      await client.query(`GRANT ${privileges} ON ${t} TO ${r}`);
    }
    await client.query(`REVOKE ALL ON _prisma_migrations FROM ${r}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    // The SECURITY DEFINER lookups that cross tenants (token by hash, sign-in, lease reaper).
    await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${r}`);
    await client.query('COMMIT');
    log(`Granted role ${role} data access on ${rows.length} table(s) (append-only on ${APPEND_ONLY_TABLES.join(', ')}).`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Hides the password of a connection string for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
