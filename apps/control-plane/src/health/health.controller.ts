import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { PgPool } from '../database/pg-pool';

/** Liveness and readiness probes. */
@Controller()
export class HealthController {
  constructor(@Inject(PgPool) private readonly pg: PgPool) {}

  /** 200 while the process runs. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 only when the database answers within 2 s; 503 otherwise. */
  @Get('readyz')
  async readyz(): Promise<{ status: 'ready' }> {
    try {
      await Promise.race([
        this.pg.pool.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('database timeout')), 2000).unref()),
      ]);
      return { status: 'ready' };
    } catch {
      throw new HttpException({ status: 'unavailable', reason: 'database not reachable' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
  }
}
