import type { Command } from 'commander';
import { migrateDatabase, resetDatabase } from '@gantry/db';
import { confirm } from '../util/confirm';
import { requireDatabaseUrl } from '../util/database-url';

interface DbOptions {
  databaseUrl?: string;
  schema?: string;
  appRole?: string;
  yes?: boolean;
}

/** `gantry db migrate` and `gantry db reset`. */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('manage the system database');

  db.command('migrate')
    .description('apply pending migrations (idempotent)')
    .option('--database-url <url>', 'owner connection string (default: $DATABASE_URL)')
    .option('--schema <path>', 'path of schema.prisma; migrations are read beside it')
    .option('--app-role <role>', 'runtime role to grant data access (created without BYPASSRLS when missing)')
    .action(async (opts: DbOptions) => {
      await migrateDatabase({
        databaseUrl: requireDatabaseUrl(opts.databaseUrl),
        ...(opts.schema && { schemaPath: opts.schema }),
        ...(opts.appRole && { appRole: opts.appRole }),
      });
    });

  db.command('reset')
    .description('drop every table of the system database and migrate it from scratch')
    .option('--database-url <url>', 'owner connection string (default: $DATABASE_URL)')
    .option('--schema <path>', 'path of schema.prisma')
    .option('--app-role <role>', 'runtime role to grant after the reset')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (opts: DbOptions) => {
      const databaseUrl = requireDatabaseUrl(opts.databaseUrl);
      if (!opts.yes && !(await confirm('This deletes every row of the Gantry system database. Continue?'))) {
        console.error('Reset canceled: nothing was changed. Pass --yes to reset without a prompt.');
        process.exitCode = 1;
        return;
      }
      await resetDatabase({
        databaseUrl,
        ...(opts.schema && { schemaPath: opts.schema }),
        ...(opts.appRole && { appRole: opts.appRole }),
      });
    });
}
