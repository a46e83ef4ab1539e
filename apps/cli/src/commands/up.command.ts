import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import pg from 'pg';
import { createPrismaClient, freePort, migrateDatabase, startEmbeddedPostgres } from '@gantry/db';
import { createAgentToken, createApiToken, ensureOwnerInvitation, ensureTenant } from '../bootstrap/tenant';
import { startChildService, waitFor, type ChildService } from '../util/child-service';
import { GantryApi } from '../util/graphql-client';
import { launchAndFollow, type RunSummary } from './up-run';

/** Repository root (apps/cli/src/commands → ../../../..). */
const ROOT = path.resolve(import.meta.dirname, '../../../..');

interface UpOptions {
  exitAfterRun?: boolean;
  dataDir: string;
  httpPort: string;
  grpcPort: string;
  run: boolean;
}

const APP_ROLE = 'gantry_app';
const APP_PASSWORD = 'gantry_app_local';
/** The person who owns the `local` organization when signing in through the development issuer. */
const DEV_OWNER_EMAIL = 'dev@gantry.local';

async function portOrFree(wanted: number): Promise<number> {
  const probe = await import('node:net');
  const free = await new Promise<boolean>((resolve) => {
    const s = probe.createServer().once('error', () => resolve(false));
    s.listen(wanted, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  return free ? wanted : freePort();
}

/**
 * `gantry up`: the embedded defaults. Starts an embedded PostgreSQL in
 * `.gantry/`, migrates it, creates the local organization, starts the control
 * plane and a local agent (process launcher, example code locations), launches
 * the flights pipeline once with live progress, then keeps serving (or exits
 * with the run's outcome under `--exit-after-run`, printing one JSON line last).
 */
export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('start Gantry on embedded defaults and materialize the example pipeline')
    .option('--exit-after-run', 'exit after the example run: 0 when it succeeded')
    .option('--no-run', 'start everything but launch no run')
    .option('--data-dir <dir>', 'state folder (database, agent spool, logs)', path.join(ROOT, '.gantry'))
    .option('--http-port <port>', 'GraphQL/HTTP port (a free one when taken)', '4000')
    .option('--grpc-port <port>', 'agent gRPC port (a free one when taken)', '4001')
    .action(async (opts: UpOptions) => {
      const code = await up(opts);
      process.exit(code);
    });
}

async function up(opts: UpOptions): Promise<number> {
  const started = Date.now();
  const dataDir = path.resolve(opts.dataDir);
  const logDir = path.join(dataDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const step = (msg: string) => console.log(`gantry: ${msg}`);

  step('starting embedded PostgreSQL…');
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres') });
  const services: ChildService[] = [];
  const shutdown = async () => {
    for (const s of services.reverse()) await s.stop();
    await postgres.stop();
  };
  process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));
  process.once('SIGTERM', () => void shutdown().then(() => process.exit(143)));

  try {
    await migrateDatabase({ databaseUrl: postgres.url, appRole: APP_ROLE, log: (l) => step(l) });
    const owner = new pg.Client({ connectionString: postgres.url });
    await owner.connect();
    await owner.query(`ALTER ROLE ${APP_ROLE} PASSWORD '${APP_PASSWORD}'`);
    await owner.end();
    const appUrl = new URL(postgres.url);
    appUrl.username = APP_ROLE;
    appUrl.password = APP_PASSWORD;

    const prisma = createPrismaClient({ databaseUrl: postgres.url });
    const tenant = await ensureTenant(prisma, 'local', 'Local development');
    const apiToken = await createApiToken(prisma, tenant.orgId, `gantry up ${new Date().toISOString()}`);
    await ensureOwnerInvitation(prisma, tenant.orgId, DEV_OWNER_EMAIL);
    const agentToken = await createAgentToken(prisma, tenant.orgId, `local agent ${new Date().toISOString()}`);
    await prisma.$disconnect();

    const httpPort = await portOrFree(Number(opts.httpPort));
    const grpcPort = await portOrFree(Number(opts.grpcPort));
    step('starting the control plane…');
    const controlPlane = startChildService(
      'control-plane',
      path.join(ROOT, 'apps/control-plane/src/main.ts'),
      { DATABASE_URL: appUrl.toString(), GANTRY_HTTP_PORT: String(httpPort), GANTRY_GRPC_PORT: String(grpcPort), GANTRY_LEASE_TTL_MS: '15000' },
      logDir,
    );
    services.push(controlPlane);
    const baseUrl = `http://127.0.0.1:${httpPort}`;
    await waitFor('the control plane to be ready', async () => (await fetch(`${baseUrl}/readyz`)).ok, 60_000, controlPlane.exited);

    step('starting the local agent (process launcher)…');
    const venvBin = path.join(ROOT, '.gantry/venv/bin');
    const agent = startChildService(
      'agent',
      path.join(ROOT, 'apps/agent/src/main.ts'),
      {
        GANTRY_CONTROL_PLANE_GRPC: `127.0.0.1:${grpcPort}`,
        GANTRY_AGENT_TOKEN: agentToken,
        GANTRY_AGENT_NAME: 'local',
        GANTRY_AGENT_STATE_DIR: path.join(dataDir, 'agent'),
        GANTRY_CODE_LOCATIONS: [path.join(ROOT, 'examples/flights/gantry.yaml'), path.join(ROOT, 'examples/python-weather/gantry.yaml')].join(','),
        GANTRY_EXAMPLE_DATA_DIR: path.join(dataDir, 'examples'),
        PATH: `${venvBin}${path.delimiter}${process.env['PATH'] ?? ''}`,
      },
      logDir,
    );
    services.push(agent);

    const api = new GantryApi(baseUrl, apiToken);
    await waitFor(
      'the agent to report the example code locations',
      async () => {
        const d = await api.request<{ codeLocations: { name: string }[] }>('{ codeLocations { name } }');
        return d.codeLocations.some((l) => l.name === 'flights');
      },
      60_000,
      agent.exited,
    );
    step(`code locations registered; logs in ${logDir}`);

    let summary: RunSummary | undefined;
    if (opts.run) summary = await launchAndFollow(api, started, step);
    await api.close();

    if (opts.exitAfterRun) {
      await shutdown();
      if (summary) console.log(JSON.stringify(summary));
      return summary?.status === 'SUCCESS' ? 0 : 1;
    }
    console.log('');
    console.log(`Gantry is running.`);
    console.log(`  console:   ${baseUrl}/  (sign in as ${DEV_OWNER_EMAIL}, any name; organization "local")`);
    console.log(`  GraphQL:   ${baseUrl}/graphql`);
    console.log(`  API token: ${apiToken}`);
    console.log(`  try:       curl -s ${baseUrl}/graphql -H 'authorization: Bearer ${apiToken}' -H 'content-type: application/json' -d '{"query":"{ assets { key latestMaterialization { createdAt } } }"}'`);
    console.log(`  sign in:   ${baseUrl}/realms/gantry (development issuer) as ${DEV_OWNER_EMAIL}, Owner of organization "local";`);
    console.log(`             send its access token with the header X-Gantry-Organization: local`);
    console.log('Press Ctrl+C to stop.');
    const exitCode = await Promise.race(services.map((s) => s.exited.then((c) => ({ s, c }))));
    console.error(`gantry: ${exitCode.s.name} exited with code ${exitCode.c}; see ${exitCode.s.logFile}`);
    await shutdown();
    return 1;
  } catch (error) {
    console.error(`gantry: ${(error as Error).message}`);
    console.error(`gantry: service logs are in ${logDir}`);
    await shutdown();
    return 1;
  }
}
