import pg from 'pg';
import type { Logger } from 'pino';
import { createPrismaClient, createTestDatabase, type PrismaClient, type TestDatabase } from '@gantry/db';
import { type ControlPlaneConfig, loadControlPlaneConfig } from '../../config/control-plane.config';
import { testRunLogger } from '../../logging/testing/test-run-logger';
import { type RunningControlPlane, startControlPlane } from '../../server';

/** A real control plane on a fresh database, plus clients to seed and inspect it. */
export interface TestControlPlane {
  cp: RunningControlPlane;
  /** `host:port` of the gRPC AgentService. */
  address: string;
  /** Prisma client of the test (seeding, assertions). */
  prisma: PrismaClient;
  /** Raw pool of the test (queueing runs with NOTIFY, assertions). */
  pool: pg.Pool;
  db: TestDatabase;
  /** Stops the control plane (idempotent; `cp.close()` directly may only be called once). */
  stopControlPlane(): Promise<void>;
  /** Stops the control plane and drops the database. */
  close(): Promise<void>;
}

/**
 * Starts `startControlPlane` on a database cloned from the migrated template
 * (`npm test` provides the server), HTTP and gRPC on free loopback ports.
 * Logs go to the given logger; else, under `npm test`, to the run's log folder
 * at debug level (checked for registered secrets); else nowhere.
 */
export async function startTestControlPlane(
  overrides: Partial<ControlPlaneConfig> = {},
  options: { logger?: Logger } = {},
): Promise<TestControlPlane> {
  const db = await createTestDatabase();
  const config = loadControlPlaneConfig({}, { databaseUrl: db.appUrl, httpPort: 0, grpcPort: 0, logLevel: 'silent', ...overrides });
  const logger = options.logger ?? testRunLogger();
  const cp = await startControlPlane(config, logger ? { logger } : {});
  const prisma = createPrismaClient({ databaseUrl: db.url, maxConnections: 4 });
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  let closed = false;
  let stopping: Promise<void> | undefined;
  const stopControlPlane = (): Promise<void> => (stopping ??= cp.close());
  return {
    cp,
    address: cp.grpcAddress,
    prisma,
    pool,
    db,
    stopControlPlane,
    close: async () => {
      if (closed) return;
      closed = true;
      await stopControlPlane();
      await prisma.$disconnect();
      await pool.end();
      await db.drop();
    },
  };
}
