export * from './prisma-client';
export * from './migrate';
export * from './embedded-postgres';
export * from './test-database';
export { openSchemaEngine, readMigrationList, writeMigration, defaultSchemaPath } from './schema-engine';
export * from './audit-chain';
