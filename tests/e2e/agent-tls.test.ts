/**
 * The agent channel over TLS (real gRPC on loopback): the control plane serves
 * the AgentService with a certificate (GANTRY_GRPC_TLS_CERT_FILE/KEY_FILE), the
 * agent trusts its CA (GANTRY_CONTROL_PLANE_CA_FILE) and runs a pipeline over it;
 * a plaintext agent and an agent trusting another CA never get a session.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startAgent } from '@gantry/agent';
import { startStack, writeCodeLocation, type Stack } from './support/stack';

/** A CA and a server certificate for 127.0.0.1 made with the openssl CLI; returns the PEM paths. */
function makeCertificates(dir: string, name: string): { ca: string; cert: string; key: string } {
  const file = (f: string) => path.join(dir, `${name}-${f}`);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1', '-subj', `/CN=${name} test CA`);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '1', '-extfile', file('ext.cnf'));
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

// A minimal Pipes customer in plain JavaScript (the wire format: base64 of zlib JSON params, JSON lines).
const CUSTOMER = `
import { appendFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
const decode = (v) => JSON.parse(inflateSync(Buffer.from(v, 'base64')).toString());
const out = decode(process.env.DAGSTER_PIPES_MESSAGES).path;
const send = (method, params) => appendFileSync(out, JSON.stringify({ __dagster_pipes_version: '0.1', method, params }) + '\\n');
send('opened', {});
send('report_asset_materialization', { asset_key: 'tls/a', metadata: {}, data_version: null });
send('closed', {});
`;

describe('agent channel over TLS (real gRPC on loopback)', () => {
  let dir: string;
  let certs: ReturnType<typeof makeCertificates>;
  let other: ReturnType<typeof makeCertificates>;
  let stack: Stack;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-tls-'));
    certs = makeCertificates(dir, 'gantry');
    other = makeCertificates(dir, 'other');
    const loc = writeCodeLocation(
      `name: tls\ndeployment: prod\ncommand: ["${process.execPath}", "customer.mjs"]\nassets:\n  - key: tls/a\n`,
      { 'customer.mjs': CUSTOMER },
    );
    stack = await startStack([loc], { grpcTls: { certFile: certs.cert, keyFile: certs.key } }, { controlPlaneTls: { caPem: readFileSync(certs.ca) } });
  });
  after(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an agent trusting the CA connects and runs a pipeline over TLS', async () => {
    const launched = await stack.gql<{ launchRun: { id: string } }>('mutation { launchRun(input: { assetKeys: ["tls/a"] }) { id } }');
    const run = await stack.waitForRun(launched.launchRun.id);
    assert.equal(run.status, 'SUCCESS', run.failureReason ?? '');
  });

  for (const [name, tls] of [
    ['a plaintext agent', undefined],
    ['an agent trusting another CA', () => ({ caPem: readFileSync(other.ca) })],
  ] as const) {
    test(`${name} never gets a session`, async () => {
      const state = mkdtempSync(path.join(dir, 'agent-'));
      const agent = await startAgent({
        ...stack.agentOptions,
        name: `refused-${Math.random().toString(36).slice(2, 8)}`,
        stateDir: state,
        ...(tls ? { controlPlaneTls: tls() } : { controlPlaneTls: undefined }),
      });
      try {
        // It keeps retrying with backoff; give it several attempts.
        await new Promise((r) => setTimeout(r, 3000));
        const agents = await stack.gql<{ agents: { name: string; connected: boolean }[] }>('{ agents { name connected } }');
        assert.deepEqual(agents.agents.filter((a) => a.name.startsWith('refused-')), [], 'the control plane never saw it');
        assert.ok(agents.agents.some((a) => a.name === 'e2e-agent' && a.connected), 'while the TLS agent stays connected');
      } finally {
        await agent.stop();
      }
    });
  }
});
