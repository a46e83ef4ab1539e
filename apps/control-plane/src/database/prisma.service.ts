import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createPrismaClient, type PrismaClient } from '@gantry/db';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config/control-plane.config';

/** Transaction control and the tenant setting TenantDb wraps around each data statement. */
const TENANT_ENVELOPE = /^(BEGIN|COMMIT|ROLLBACK)\b|^SELECT set_config\(/i;

/** Counts the data statements run through Prisma (not the tenant transaction around them); used by the no-N+1 tests. */
export class QueryCounter {
  count = 0;
  readonly statements: string[] = [];
  record(sql: string): void {
    if (TENANT_ENVELOPE.test(sql.trim())) return;
    this.count++;
    if (this.statements.length < 1000) this.statements.push(sql);
  }
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}

/** The Prisma client of the control plane (one pool per process). */
@Injectable()
export class PrismaService implements OnModuleDestroy {
  readonly client: PrismaClient;

  constructor(
    @Inject(CONTROL_PLANE_CONFIG) config: ControlPlaneConfig,
    @Inject(QueryCounter) counter: QueryCounter,
  ) {
    this.client = createPrismaClient({
      databaseUrl: config.databaseUrl,
      maxConnections: Math.max(2, Math.floor(config.dbPoolSize / 2)),
      onQuery: (sql) => counter.record(sql),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.$disconnect();
  }
}
