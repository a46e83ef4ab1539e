import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

/** Options of {@link openSchemaEngine}. */
export interface SchemaEngineOptions {
  /** PostgreSQL connection string of the database owner (migrations need DDL rights). */
  databaseUrl: string;
  /** Path of `schema.prisma`. Default: `prisma/schema.prisma` under the repository root. */
  schemaPath?: string;
  /** Folder of Prisma-format migrations. Default: `migrations` beside the schema. */
  migrationsDir?: string;
  /** Receives the engine's log lines (JSON strings). Default: discarded. */
  onLog?: (line: string) => void;
}

let wasmReady: Promise<void> | undefined;

/** The slice of the WebAssembly global we use (Node has it; @types/node does not declare it). */
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, unknown>): Promise<{ exports: Record<string, unknown> }>;
};

/**
 * Instantiates Prisma's WebAssembly schema engine once per process. We load the
 * `.wasm` ourselves instead of importing it as an ES module so that Node 20
 * needs no `--experimental-wasm-modules` flag.
 */
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmPath = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm')), 'schema_engine_bg.wasm');
    const module = await WebAssembly.compile(await readFile(wasmPath));
    const instance = await WebAssembly.instantiate(module, {
      './schema_engine_bg.js': bg,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as () => void)();
  })();
  return wasmReady;
}

/** A schema engine bound to one database, with the schema and migrations it manages. */
export interface OpenSchemaEngine {
  engine: SchemaEngine;
  schemaPath: string;
  schemaText: string;
  migrationsDir: string;
  /** Reads the migrations folder in the shape the engine expects. */
  migrationList(): Promise<MigrationList>;
  /** Releases the engine and its connection pool. */
  close(): Promise<void>;
}

export const defaultSchemaPath = path.resolve(import.meta.dirname, '../../../prisma/schema.prisma');

/** Opens Prisma's WebAssembly schema engine over the pg driver adapter (see TOOLCHAIN.md). */
export async function openSchemaEngine(options: SchemaEngineOptions): Promise<OpenSchemaEngine> {
  await loadWasm();
  const schemaPath = path.resolve(options.schemaPath ?? defaultSchemaPath);
  const migrationsDir = path.resolve(options.migrationsDir ?? path.join(path.dirname(schemaPath), 'migrations'));
  const schemaText = await readFile(schemaPath, 'utf8');
  // We own the pool so close() can end it: the engine does not release connections when freed.
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  const factory = wholeScriptFactory(new PrismaPg(pool), pool);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const log = options.onLog ?? (() => undefined);
  const engine = await bg.SchemaEngine.new({ datamodels: [[schemaPath, schemaText]] }, (line: string) => log(line), adapter);
  return {
    engine,
    schemaPath,
    schemaText,
    migrationsDir,
    migrationList: () => readMigrationList(migrationsDir),
    close: async () => {
      engine.free();
      await pool.end();
    },
  };
}

/**
 * The pg adapter's `executeScript` splits a migration on every ";", which breaks
 * PL/pgSQL bodies (DO blocks, functions). PostgreSQL runs a multi-statement
 * script as one simple query, so we hand it the script whole.
 */
function wholeScriptFactory(factory: PrismaPg, pool: pg.Pool): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const withErrors = adapter as unknown as { onError(error: unknown): never };
    adapter.executeScript = async (script: string) => {
      try {
        await pool.query(script);
      } catch (error) {
        withErrors.onError(error);
      }
    };
    return adapter;
  };
  return factory;
}

/** Reads `prisma/migrations/<stamp>_<name>/migration.sql` folders, sorted by name. */
export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  let entries: string[] = [];
  try {
    entries = (await readdir(migrationsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const migrationDirectories = await Promise.all(
    entries.map(async (dir) => {
      const file = path.join(migrationsDir, dir, 'migration.sql');
      const content = await readFile(file, 'utf8').then(
        (value) => ({ tag: 'ok' as const, value }),
        (error: Error) => ({ tag: 'error' as const, value: error.message }),
      );
      return { path: dir, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  const lockContent = await readFile(lockPath, 'utf8').catch(() => null);
  return { baseDir: migrationsDir, lockfile: { path: 'migration_lock.toml', content: lockContent }, migrationDirectories, shadowDbInitScript: '' } as MigrationList;
}

/** Writes a new Prisma-format migration folder and returns its name. */
export async function writeMigration(migrationsDir: string, name: string, sql: string, now = new Date()): Promise<string> {
  const stamp = now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
  const dir = `${stamp}_${name}`;
  await mkdir(path.join(migrationsDir, dir), { recursive: true });
  await writeFile(path.join(migrationsDir, dir, 'migration.sql'), sql);
  const lock = path.join(migrationsDir, 'migration_lock.toml');
  await readFile(lock).catch(() =>
    writeFile(lock, '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n'),
  );
  return dir;
}
