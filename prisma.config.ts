import { defineConfig } from 'prisma/config';

// The datasource URL is only needed by `prisma migrate` where the native engine
// exists; Gantry itself migrates through `gantry db migrate` (WebAssembly engine).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://localhost/gantry' },
});
