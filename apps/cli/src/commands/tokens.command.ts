import type { Command } from 'commander';
import { createPrismaClient } from '@gantry/db';
import { createAgentToken, createApiToken, ensureTenant } from '../bootstrap/tenant';
import { requireDatabaseUrl } from '../util/database-url';

interface TokenOptions {
  databaseUrl?: string;
  org: string;
  name: string;
  expiresInDays?: string;
}

/** `gantry tokens api|agent`: mint tokens straight in the system database (operator tool). */
export function registerTokenCommands(program: Command): void {
  const tokens = program.command('tokens').description('create API and agent tokens (printed once, stored as hashes)');
  const common = (c: Command) =>
    c
      .requiredOption('--org <slug>', 'organization slug (created with a prod deployment when missing)')
      .option('--name <name>', 'token name', 'cli')
      .option('--database-url <url>', 'connection string (default: $DATABASE_URL)');

  common(tokens.command('api').description('create an API token for scripts'))
    .option('--expires-in-days <n>', 'expiry in days')
    .action(async (opts: TokenOptions) => {
      const prisma = createPrismaClient({ databaseUrl: requireDatabaseUrl(opts.databaseUrl) });
      try {
        const tenant = await ensureTenant(prisma, opts.org);
        const days = opts.expiresInDays ? Number(opts.expiresInDays) : undefined;
        const value = await createApiToken(prisma, tenant.orgId, opts.name, days ? new Date(Date.now() + days * 86_400_000) : undefined);
        console.log(value);
      } finally {
        await prisma.$disconnect();
      }
    });

  common(tokens.command('agent').description('create an agent token')).action(async (opts: TokenOptions) => {
    const prisma = createPrismaClient({ databaseUrl: requireDatabaseUrl(opts.databaseUrl) });
    try {
      const tenant = await ensureTenant(prisma, opts.org);
      console.log(await createAgentToken(prisma, tenant.orgId, opts.name));
    } finally {
      await prisma.$disconnect();
    }
  });
}
