/**
 * Secrets never reach logs. Runs a representative slice of the system as real
 * processes configured the production way (environment variables), all
 * logging at debug level: the `gantry` CLI (runtime role, API and agent token
 * creation), the control plane (connecting as a runtime role with a password,
 * an OIDC client secret in its environment), an agent, a launched run, and
 * requests with bad credentials over HTTP, graphql-ws and gRPC. Then it greps
 * everything they wrote for every secret used. Their output is also kept in
 * the run's log folder, where the final step of `npm test` checks it again.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from '@gantry/db';
import { mintToken } from '@gantry/domain';
import { findSecrets, registerTestSecret, testLogFile, type RegisteredSecret } from '@gantry/telemetry/testing';
import { writeCodeLocation } from './support/stack';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** A child process whose stdout and stderr are captured (in memory, and in the run's log folder). */
interface Service {
  name: string;
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

const services: Service[] = [];
const captured = new Map<string, string>();

function capture(name: string, text: string): void {
  captured.set(name, (captured.get(name) ?? '') + text);
  const file = testLogFile(`tests__e2e__secrets-in-logs.${name}`);
  if (file) appendFileSync(file, text);
}

function startService(name: string, script: string, env: Record<string, string>): Service {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer): void => {
    const s = chunk.toString('utf8');
    text += s;
    capture(name, s);
    for (const w of [...waiters]) {
      const line = text.split('\n').find((l) => w.pattern.test(l));
      if (line) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const service: Service = {
    name,
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<string>((resolve, reject) => {
        const line = text.split('\n').find((l) => pattern.test(l));
        if (line) return resolve(line);
        const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${String(pattern)} within ${timeoutMs} ms:\n${text.slice(-2000)}`)), timeoutMs);
        waiters.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void exited.then((code) => reject(new Error(`${name} exited with ${String(code)} before ${String(pattern)}:\n${text.slice(-2000)}`)));
      }),
  };
  services.push(service);
  return service;
}

async function cli(args: string[]): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'apps/cli/src/main.ts'), ...args], { cwd: ROOT, env: { ...process.env, GANTRY_LOG_LEVEL: 'debug' } });
  // stdout of `tokens` is the token itself, printed once on purpose; everything else the CLI says counts as log.
  capture('cli', stderr);
  if (args[0] !== 'tokens') capture('cli', stdout);
  return stdout.trim();
}

const CUSTOMER = `
import { appendFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
const decode = (v) => JSON.parse(inflateSync(Buffer.from(v, 'base64')).toString());
const out = decode(process.env.DAGSTER_PIPES_MESSAGES).path;
const send = (method, params) => appendFileSync(out, JSON.stringify({ __dagster_pipes_version: '0.1', method, params }) + '\\n');
send('opened', { extras: {} });
send('log', { message: 'customer code ran', level: 'INFO' });
send('report_asset_materialization', { asset_key: 'secrets/asset', data_version: null, metadata: {} });
send('closed', {});
`;

describe('secrets never reach the logs (CLI, control plane, agent, a run, bad credentials; debug level)', () => {
  let db: TestDatabase;
  const role = `gantry_logs_${randomBytes(4).toString('hex')}`;
  const secrets: RegisteredSecret[] = [];
  const secret = (value: string, label: string): string => {
    registerTestSecret(value, label);
    secrets.push({ label, by: 'tests/e2e/secrets-in-logs.test.ts', secret: value });
    return value;
  };
  let httpUrl = '';
  let apiToken = '';
  let agentToken = '';
  let runStatus = '';

  before(async () => {
    db = await createTestDatabase();
    const slug = `secrets-${randomBytes(3).toString('hex')}`;
    await cli(['db', 'migrate', '--database-url', db.url, '--app-role', role]);
    const password = secret(`pw-${randomBytes(12).toString('hex')}`, 'database password');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`ALTER ROLE ${pg.escapeIdentifier(role)} PASSWORD '${password}'`);
    await admin.end();
    const appUrl = new URL(db.url);
    appUrl.username = role;
    appUrl.password = password;

    apiToken = secret(await cli(['tokens', 'api', '--org', slug, '--name', 'ci', '--database-url', db.url]), 'API token');
    agentToken = secret(await cli(['tokens', 'agent', '--org', slug, '--name', 'cluster-1', '--database-url', db.url]), 'agent token');
    assert.match(apiToken, /^gantry_api_/);

    const cp = startService('control-plane', 'apps/control-plane/src/main.ts', {
      DATABASE_URL: appUrl.toString(),
      GANTRY_HTTP_PORT: '0',
      GANTRY_GRPC_PORT: '0',
      GANTRY_LOG_LEVEL: 'debug',
      // Where the OIDC client secret will live once the control plane reads it; it must never be logged either.
      GANTRY_OIDC_CLIENT_SECRET: secret(`oidc-${randomBytes(16).toString('hex')}`, 'OIDC client secret'),
    });
    const started = JSON.parse(await cp.waitFor(/control plane started/)) as { httpUrl: string; grpcAddress: string };
    httpUrl = started.httpUrl;

    const location = writeCodeLocation(`name: secrets\ndeployment: prod\ncommand: ["${process.execPath}", "customer.mjs"]\nassets:\n  - key: secrets/asset\n`, { 'customer.mjs': CUSTOMER });
    const agentEnv = {
      GANTRY_CONTROL_PLANE_GRPC: started.grpcAddress,
      GANTRY_AGENT_NAME: 'secrets-agent',
      GANTRY_AGENT_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'gantry-secrets-agent-')),
      GANTRY_CODE_LOCATIONS: location,
      GANTRY_LOG_LEVEL: 'debug',
    };
    startService('agent', 'apps/agent/src/main.ts', { ...agentEnv, GANTRY_AGENT_TOKEN: agentToken });

    // An agent with a wrong token is refused over gRPC and exits (main.ts documents code 2; a refusal at start exits 1 today).
    const refused = startService('agent-bad-token', 'apps/agent/src/main.ts', {
      ...agentEnv,
      GANTRY_AGENT_NAME: 'intruder',
      GANTRY_AGENT_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'gantry-secrets-agent-')),
      GANTRY_AGENT_TOKEN: secret(mintToken('agent').value, 'wrong agent token'),
    });
    assert.notEqual(await refused.exited, 0, refused.output().slice(-1000));
    assert.match(refused.output(), /refused this agent \(UNAUTHENTICATED\)/);

    const gql = async (authorization: string | undefined, query: string): Promise<{ status: number; body: { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } }> => {
      const res = await fetch(`${httpUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify({ query }) });
      return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown> } };
    };
    for (let i = 0; ; i++) {
      const r = await gql(`Bearer ${apiToken}`, '{ assets { key } }');
      if (JSON.stringify(r.body.data).includes('secrets/asset')) break;
      if (i > 300) throw new Error(`the agent's code location never appeared: ${JSON.stringify(r.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Bad credentials over HTTP: unknown token, agent token as API token, a typo, basic auth with the database password.
    for (const authorization of [
      `Bearer ${secret(mintToken('api').value, 'unknown API token')}`,
      `Bearer ${agentToken}`,
      `Bearer ${apiToken}x`,
      `Basic ${Buffer.from(`${role}:${appUrl.password}`).toString('base64')}`,
    ]) {
      const r = await gql(authorization, '{ deployments { name } }');
      assert.equal(r.status, 401);
    }
    // …and over graphql-ws.
    const ws = createClient({ url: `${httpUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${secret(mintToken('api').value, 'unknown API token (ws)')}` }, retryAttempts: 0, lazy: true });
    const wsCode = await new Promise<string | undefined>((resolve, reject) => {
      ws.subscribe({ query: '{ deployments { name } }' }, {
        next: (r) => resolve((r.errors?.[0]?.extensions as { code?: string } | undefined)?.code),
        error: (e) => (Array.isArray(e) ? resolve((e[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code) : reject(e instanceof Error ? e : new Error(String(e)))),
        complete: () => undefined,
      });
    });
    await ws.dispose();
    assert.equal(wsCode, 'UNAUTHENTICATED');

    const launched = await gql(`Bearer ${apiToken}`, 'mutation { launchRun(input: { assetKeys: ["secrets/asset"] }) { id } }');
    const runId = (launched.body.data?.['launchRun'] as { id: string } | undefined)?.id;
    assert.ok(runId, JSON.stringify(launched.body));
    for (let i = 0; !['SUCCESS', 'FAILURE', 'CANCELED'].includes(runStatus); i++) {
      if (i > 600) throw new Error(`run ${runId} still ${runStatus}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      runStatus = ((await gql(`Bearer ${apiToken}`, `{ run(id: "${runId}") { status } }`)).body.data?.['run'] as { status: string }).status;
    }
  });

  after(async () => {
    for (const s of services) if (s.child.exitCode === null) s.child.kill('SIGTERM');
    await Promise.all(services.map((s) => Promise.race([s.exited, new Promise((r) => setTimeout(r, 15_000))])));
    for (const s of services) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    if (db) {
      await db.drop();
      const admin = new pg.Client({ connectionString: db.url.replace(/\/[^/?]+(\?|$)/, '/postgres$1') });
      await admin.connect();
      await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`).catch(() => undefined);
      await admin.end();
    }
  });

  test('the slice really ran: the run succeeded, the control plane logged at debug level, the agent ran it', () => {
    assert.equal(runStatus, 'SUCCESS');
    const controlPlane = (captured.get('control-plane') ?? '').split('\n').filter(Boolean);
    assert.ok(controlPlane.some((l) => l.includes('"level":20')), `the control plane logged debug lines (${controlPlane.length} lines)`);
    assert.match(captured.get('agent') ?? '', /run assigned/);
    assert.match(captured.get('agent-bad-token') ?? '', /"level":60/, 'the refused agent logged its fatal error');
  });

  test('no secret appears in any log line (reported by process and line, never by value)', async () => {
    // Let the processes flush what they had buffered.
    await Promise.all(services.map((s) => Promise.race([s.exited, new Promise((r) => setTimeout(r, 200))])));
    const findings = findSecrets(captured, secrets);
    assert.deepEqual(findings.map((f) => `${f.file}:${f.line} contains the ${f.label}`), []);
    assert.ok(secrets.length >= 7, 'API, agent, unknown and wrong tokens, database password, OIDC client secret');
  });
});
