import { Global, Module } from '@nestjs/common';
import { PgListener } from './pg-listener';
import { PgPool } from './pg-pool';
import { PrismaService, QueryCounter } from './prisma.service';
import { TenantDb } from './tenant-db';

/** Database access for every module: Prisma, a raw pg pool for hot paths, and LISTEN. */
@Global()
@Module({
  providers: [QueryCounter, PrismaService, PgPool, PgListener, TenantDb],
  exports: [QueryCounter, PrismaService, PgPool, PgListener, TenantDb],
})
export class DatabaseModule {}
