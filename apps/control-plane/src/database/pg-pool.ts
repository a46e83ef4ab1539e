import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { CONTROL_PLANE_CONFIG, type ControlPlaneConfig } from '../config/control-plane.config';

/**
 * A raw pg pool for the hot paths where Prisma's per-statement overhead
 * matters (the launch's catalog read and insert, dispatch claims, bulk event
 * ingest). Everything else uses Prisma.
 */
@Injectable()
export class PgPool implements OnModuleDestroy {
  readonly pool: pg.Pool;

  constructor(@Inject(CONTROL_PLANE_CONFIG) config: ControlPlaneConfig) {
    this.pool = new pg.Pool({ connectionString: config.databaseUrl, max: Math.max(2, Math.ceil(config.dbPoolSize / 2)) });
    // An idle client erroring (server restart) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
