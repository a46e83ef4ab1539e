/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, the control plane process exports its
 * spans over OTLP/HTTP: a real HTTP receiver on loopback collects them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createPrismaClient, createTestDatabase, freePort, type PrismaClient, type TestDatabase } from '@gantry/db';
import { createCodeLocation, createTenant } from './api/testing/api-test-kit';

let db: TestDatabase;
let prisma: PrismaClient;
let receiver: http.Server;
const received: { path: string; body: string }[] = [];

before(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient({ databaseUrl: db.url });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  receiver.close();
  await prisma.$disconnect();
  await db.drop();
});

test('the control plane exports the launch span to the OTLP endpoint it is given', async () => {
  const tenant = await createTenant(prisma);
  await createCodeLocation(prisma, tenant, { name: 'traced', assets: [{ key: 'traced/asset' }] });
  const httpPort = await freePort();
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts')], {
    env: { ...process.env, DATABASE_URL: db.url, GANTRY_HTTP_PORT: String(httpPort), GANTRY_GRPC_PORT: '0', GANTRY_LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const base = `http://127.0.0.1:${httpPort}`;
    for (let i = 0; i < 300 && !(await fetch(`${base}/readyz`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.token}` },
      body: JSON.stringify({ query: 'mutation { launchRun(input: { assetKeys: ["traced/asset"] }) { id } }' }),
    });
    const runId = ((await res.json()) as { data: { launchRun: { id: string } } }).data.launchRun.id;
    // A graceful stop flushes the batch span processor.
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'the control plane stops cleanly');
    const traces = received.filter((r) => r.path === '/v1/traces');
    assert.ok(traces.length > 0, 'spans were posted to /v1/traces');
    const all = traces.map((t) => t.body).join('\n');
    assert.match(all, /graphql\.launchRun/);
    assert.ok(all.includes(runId), 'the exported launch span carries the run id');
    assert.match(all, /gantry-control-plane/, 'with the service name');
  } finally {
    child.kill('SIGKILL');
  }
});
