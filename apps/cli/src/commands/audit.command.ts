import type { Command } from 'commander';
import pg from 'pg';
import { pgExecutor, verifyAuditChain, type AuditChainVerification } from '@gantry/db';
import { requireDatabaseUrl } from '../util/database-url';

interface VerifyOptions {
  org: string;
  databaseUrl?: string;
  json?: boolean;
}

/** Exit code of `gantry audit verify` when the chain is broken. */
export const EXIT_CHAIN_BROKEN = 1;
/** Exit code when the organization does not exist. */
export const EXIT_UNKNOWN_ORG = 2;

/** The one-line human summary of a verification. */
export function describeVerification(slug: string, v: AuditChainVerification): string {
  return v.ok
    ? `audit chain of ${slug}: ok (${v.eventsChecked} event(s) checked)`
    : `audit chain of ${slug}: BROKEN at seq ${v.firstBrokenSeq}: ${v.reason} (${v.eventsChecked} event(s) checked)`;
}

/**
 * `gantry audit verify --org <slug>`: checks an organization's audit hash chain
 * (libs/db/src/audit-chain.ts) straight in the database (DATABASE_URL or
 * --database-url; the owner or the service role). Prints the summary (or, with
 * --json, `{ok, eventsChecked, firstBrokenSeq, reason}` as the `auditLogVerify`
 * query answers). Exit codes: 0 intact, 1 broken, 2 unknown organization or no
 * database given.
 */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description("check an organization's audit log");
  audit
    .command('verify')
    .description("verify an organization's audit hash chain; exits 1 when it is broken")
    .requiredOption('--org <slug>', 'organization slug')
    .option('--database-url <url>', 'connection string (default: $DATABASE_URL)')
    .option('--json', 'print {ok, eventsChecked, firstBrokenSeq, reason} as JSON')
    .action(async (opts: VerifyOptions) => {
      const client = new pg.Client({ connectionString: requireDatabaseUrl(opts.databaseUrl) });
      await client.connect();
      try {
        const { rows } = await client.query<{ id: string }>('SELECT id FROM gantry_organization_by_slug($1)', [opts.org]);
        const orgId = rows[0]?.id;
        if (!orgId) {
          console.error(`error: no organization with slug ${JSON.stringify(opts.org)}`);
          process.exitCode = EXIT_UNKNOWN_ORG;
          return;
        }
        // One read-only snapshot, with the organization set so row-level security shows its rows to the service role too.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await client.query("SELECT set_config('gantry.org_id', $1, true)", [orgId]);
        const v = await verifyAuditChain(pgExecutor(client), orgId);
        await client.query('COMMIT');
        console.log(opts.json ? JSON.stringify(v) : describeVerification(opts.org, v));
        if (!v.ok) process.exitCode = EXIT_CHAIN_BROKEN;
      } finally {
        await client.end();
      }
    });
}
