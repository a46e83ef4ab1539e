import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromNano } from '@gantry/domain';
import { AgentConfigError, loadAgentConfig } from '../config';
import { DEFAULT_PRICE_TABLE, FARGATE_US_EAST_1, parsePriceTable, priceReservation, priceUsage } from './price-table';

const BASE = { GANTRY_CONTROL_PLANE_GRPC: '127.0.0.1:1', GANTRY_AGENT_TOKEN: 't' };

describe('price table', () => {
  test('defaults to Fargate us-east-1 on-demand for every launcher, with its source', () => {
    const c = loadAgentConfig(BASE);
    assert.equal(c.prices, DEFAULT_PRICE_TABLE);
    for (const l of ['process', 'kubernetes', 'ecs']) assert.deepEqual(c.prices.launchers[l], { vcpuHourUsd: 0.04048, gbHourUsd: 0.004445 });
    assert.match(c.prices.source, /aws\.amazon\.com\/fargate\/pricing.*2026-11-23/);
  });

  test('priceReservation: 1 vCPU + 2 GB for one hour is exactly 0.04048 + 2 × 0.004445 USD', () => {
    assert.equal(fromNano(priceReservation({ vcpu: 1, memoryGb: 2, seconds: 3600 }, FARGATE_US_EAST_1)), '0.049370000');
    assert.equal(fromNano(priceReservation({ vcpu: 0.25, memoryGb: 0.5, seconds: 60 }, FARGATE_US_EAST_1)), '0.000205708');
    assert.equal(priceReservation({ vcpu: 4, memoryGb: 8, seconds: 0 }, FARGATE_US_EAST_1), 0n);
    assert.equal(priceUsage({ vcpuSeconds: 3600, gbSeconds: 0 }, FARGATE_US_EAST_1), priceReservation({ vcpu: 2, memoryGb: 0, seconds: 1800 }, FARGATE_US_EAST_1));
  });

  test('GANTRY_AGENT_PRICES overrides named launchers and keeps the others', () => {
    const c = loadAgentConfig({ ...BASE, GANTRY_AGENT_PRICES: '{"process": {"vcpuHourUsd": 0.1, "gbHourUsd": 0.01}}' });
    assert.deepEqual(c.prices.launchers['process'], { vcpuHourUsd: 0.1, gbHourUsd: 0.01 });
    assert.deepEqual(c.prices.launchers['ecs'], FARGATE_US_EAST_1);
    assert.equal(c.prices.source, 'GANTRY_AGENT_PRICES');
  });

  test('the flat form (Helm chart, ECS template) prices every launcher', () => {
    const c = loadAgentConfig({ ...BASE, GANTRY_AGENT_PRICES: '{"vcpuHourUsd": 0.0404, "gbHourUsd": 0.0044}' });
    for (const l of ['process', 'kubernetes', 'ecs']) assert.deepEqual(c.prices.launchers[l], { vcpuHourUsd: 0.0404, gbHourUsd: 0.0044 });
    assert.throws(() => loadAgentConfig({ ...BASE, GANTRY_AGENT_PRICES: '{"vcpuHourUsd": "x", "gbHourUsd": 0.0044}' }), /GANTRY_AGENT_PRICES\.process\.vcpuHourUsd must be a number/);
  });

  test('bad GANTRY_AGENT_PRICES: each problem is named', () => {
    const cases: Array<[string, RegExp]> = [
      ['{oops', /not valid JSON/],
      ['[1]', /must be a JSON object keyed by launcher/],
      ['{"lambda": {"vcpuHourUsd": 1, "gbHourUsd": 1}}', /GANTRY_AGENT_PRICES\.lambda: unknown launcher/],
      ['{"process": {"vcpuHourUsd": -1, "gbHourUsd": 0.1}}', /process\.vcpuHourUsd must not be negative/],
      ['{"process": {"vcpuHourUsd": "cheap", "gbHourUsd": 0.1}}', /process\.vcpuHourUsd must be a number/],
      ['{"process": {"vcpuHourUsd": 4048, "gbHourUsd": 0.1}}', /process\.vcpuHourUsd = 4048 USD is absurd/],
      ['{"process": {"vcpuHourUsd": 0.1}}', /process\.gbHourUsd is required/],
      ['{"process": {"vcpuHourUsd": 0.1, "gbHourUsd": 0.1, "gpuHourUsd": 2}}', /process\.gpuHourUsd: unknown field/],
    ];
    for (const [text, pattern] of cases) {
      assert.throws(() => loadAgentConfig({ ...BASE, GANTRY_AGENT_PRICES: text }), (e: unknown) => e instanceof AgentConfigError && pattern.test(e.message), text);
      assert.ok(parsePriceTable(text).problems.length > 0);
    }
  });
});
