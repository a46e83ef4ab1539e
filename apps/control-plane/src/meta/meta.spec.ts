import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ConfigError, loadControlPlaneConfig } from '../config/control-plane.config';
import { startApiHarness, type ApiHarness } from '../api/testing/api-test-kit';

const QUERY = '{ serverInfo { agentEndpoint } }';

describe('serverInfo.agentEndpoint', () => {
  const harnesses: ApiHarness[] = [];
  after(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
  });

  test('without GANTRY_AGENT_ENDPOINT it is the address gRPC bound, without a token', async () => {
    const h = await startApiHarness();
    harnesses.push(h);
    const r = await h.gql<{ serverInfo: { agentEndpoint: string } }>(undefined, QUERY);
    assert.equal(r.status, 200);
    assert.equal(r.data?.serverInfo.agentEndpoint, h.server.grpcAddress);
    assert.doesNotMatch(r.data?.serverInfo.agentEndpoint ?? '', /:0$/);
  });

  test('GANTRY_AGENT_ENDPOINT overrides it (e.g. an ingress in front of gRPC)', async () => {
    const h = await startApiHarness({ env: { GANTRY_AGENT_ENDPOINT: 'agents.gantry.example.com:443' } });
    harnesses.push(h);
    const r = await h.gql<{ serverInfo: { agentEndpoint: string } }>(undefined, QUERY);
    assert.equal(r.data?.serverInfo.agentEndpoint, 'agents.gantry.example.com:443');
  });

  test('a value that is not host:port is refused at boot, naming the variable', () => {
    for (const bad of ['https://agents.example.com:443', 'agents.example.com', 'a b:1']) {
      assert.throws(() => loadControlPlaneConfig({ DATABASE_URL: 'postgres://x', GANTRY_AGENT_ENDPOINT: bad }), (e: unknown) => e instanceof ConfigError && /GANTRY_AGENT_ENDPOINT/.test(e.message));
    }
    assert.equal(loadControlPlaneConfig({ DATABASE_URL: 'postgres://x', GANTRY_AGENT_ENDPOINT: '[::1]:4001' }).agentEndpoint, '[::1]:4001');
  });
});
