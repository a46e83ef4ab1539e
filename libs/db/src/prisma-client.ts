import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

export { PrismaClient, Prisma } from './generated/prisma/client';
export type * from './generated/prisma/models';

/** Options of {@link createPrismaClient}. */
export interface PrismaClientOptions {
  /** PostgreSQL connection string. */
  databaseUrl: string;
  /** Pool size of the pg driver. Default: 10. */
  maxConnections?: number;
  /** Called with each SQL statement Prisma runs (for statement-count tests). */
  onQuery?: (sql: string) => void;
}

/** Creates a Prisma Client 7 over the pg driver adapter (no native engine needed). */
export function createPrismaClient(options: PrismaClientOptions): PrismaClient {
  const adapter = new PrismaPg({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10 });
  const client = new PrismaClient({ adapter, log: options.onQuery ? [{ emit: 'event', level: 'query' }] : [] });
  if (options.onQuery) {
    const onQuery = options.onQuery;
    (client as unknown as { $on(e: 'query', cb: (ev: { query: string }) => void): void }).$on('query', (ev) => onQuery(ev.query));
  }
  return client;
}
