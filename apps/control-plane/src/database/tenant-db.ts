import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { PrismaClient } from '@gantry/db';
import { PgPool } from './pg-pool';
import { PrismaService } from './prisma.service';

/**
 * The PostgreSQL setting that row-level security policies compare `org_id`
 * with: `org_id = NULLIF(current_setting('gantry.org_id', true), '')::uuid`. It is set per
 * transaction (`set_config(..., true)`), so a pooled connection never carries
 * one request's organization into the next.
 */
export const ORG_SETTING = 'gantry.org_id';

/** A Prisma transaction client (what `$transaction(async (tx) => …)` hands out). */
export type TenantTx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const MAX_CACHED_CLIENTS = 512;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Tenant-scoped database access. Every read or write of tenant data goes
 * through one of these, so row-level security sees the caller's organization;
 * the service's role has no BYPASSRLS, so a query outside them sees no tenant
 * row at all.
 *
 * - {@link forOrg}: a Prisma client whose every operation runs in its own
 *   transaction with the organization set (BEGIN; set_config; query; COMMIT).
 * - {@link tx}: one Prisma interactive transaction with the organization set,
 *   for several statements that must commit together.
 * - {@link raw}: a pg client in a transaction with the organization set, for
 *   the hot paths that bypass Prisma.
 */
@Injectable()
export class TenantDb {
  private readonly clients = new Map<string, PrismaClient>();

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(PgPool) private readonly pg: PgPool,
  ) {}

  /** A Prisma client scoped to `orgId` (a UUID). Cached per organization. */
  forOrg(orgId: string): PrismaClient {
    let client = this.clients.get(orgId);
    if (client) return client;
    const base = this.prisma.client;
    client = base.$extends({
      query: {
        $allModels: {
          async $allOperations({ args, query }) {
            const [, result] = await base.$transaction([base.$executeRaw`SELECT set_config(${ORG_SETTING}, ${orgId}, true)`, query(args)]);
            return result;
          },
        },
      },
    }) as unknown as PrismaClient;
    if (this.clients.size >= MAX_CACHED_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
    this.clients.set(orgId, client);
    return client;
  }

  /** Runs `fn` in one Prisma interactive transaction with `orgId` set; commits when it resolves, rolls back when it throws. `options`: Prisma's maxWait/timeout, ms. */
  tx<T>(orgId: string, fn: (tx: TenantTx) => Promise<T>, options?: { maxWait?: number; timeout?: number }): Promise<T> {
    return this.prisma.client.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config(${ORG_SETTING}, ${orgId}, true)`;
      return fn(tx);
    }, options);
  }

  /**
   * Runs `fn` with a pooled pg client inside BEGIN … COMMIT with `orgId` set;
   * rolls back and rethrows when it throws. `snapshot`: one read-only
   * REPEATABLE READ snapshot for every statement of `fn`. Errors: TypeError
   * when `orgId` is not a UUID (it is inlined into the BEGIN round trip).
   */
  async raw<T>(orgId: string, fn: (client: pg.PoolClient) => Promise<T>, options: { snapshot?: boolean } = {}): Promise<T> {
    if (!UUID.test(orgId)) throw new TypeError(`not an organization id: ${JSON.stringify(orgId)}`);
    const client = await this.pg.pool.connect();
    try {
      // One round trip for BEGIN and the setting (the hot paths pay per round trip).
      const begin = options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN';
      await client.query(`${begin}; SELECT set_config('${ORG_SETTING}', '${orgId}', true)`);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
