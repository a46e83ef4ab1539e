import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import {
  type AgentErrorCode,
  AgentUnauthenticatedError,
  ControlPlaneShuttingDownError,
  DeploymentNotServableError,
  grpcStatusOf,
  HelloRequiredError,
  SessionReplacedError,
  toGrpcStatus,
} from './agent-errors';
import { createAgentToken, createOrg } from './testing/factories';
import { startTestControlPlane, type TestControlPlane } from './testing/harness';
import { reportCodeLocations } from './testing/test-agent';

/** A pino logger whose JSON lines land in `lines`. */
function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('agent error mapping', () => {
  test('every code has one gRPC status', () => {
    const codes: Record<AgentErrorCode, grpc.status> = {
      AGENT_UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
      HELLO_REQUIRED: grpc.status.INVALID_ARGUMENT,
      INVALID_AGENT_MESSAGE: grpc.status.INVALID_ARGUMENT,
      DEPLOYMENT_NOT_SERVABLE: grpc.status.INVALID_ARGUMENT,
      INVALID_CODE_LOCATION: grpc.status.INVALID_ARGUMENT,
      ASSET_DEFINED_ELSEWHERE: grpc.status.INVALID_ARGUMENT,
      SESSION_REPLACED: grpc.status.ABORTED,
      CONTROL_PLANE_SHUTTING_DOWN: grpc.status.UNAVAILABLE,
    };
    for (const [code, status] of Object.entries(codes)) assert.equal(grpcStatusOf(code as AgentErrorCode), status, code);
  });

  test('typed errors keep their message and carry their code in a trailer, except authentication failures', () => {
    const { logger, lines } = memoryLogger();
    const s = toGrpcStatus(new DeploymentNotServableError(['qa']), logger);
    assert.equal(s.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(s.details, 'deployment "qa" does not exist or this token may not serve it');
    assert.deepEqual(s.metadata.get('gantry-error-code'), ['DEPLOYMENT_NOT_SERVABLE']);
    const u = toGrpcStatus(new AgentUnauthenticatedError(), logger);
    assert.deepEqual([u.code, u.details, u.metadata.get('gantry-error-code')], [grpc.status.UNAUTHENTICATED, 'invalid agent token', []]);
    for (const e of [new HelloRequiredError('slots'), new SessionReplacedError('a'), new ControlPlaneShuttingDownError()]) toGrpcStatus(e, logger);
    assert.equal(lines.length, 0, 'expected errors are not logged as internal errors');
  });

  test('anything else is INTERNAL "internal error, logId=…" with the real error logged once under that id', () => {
    const { logger, lines } = memoryLogger();
    const s = toGrpcStatus(new Error('relation "runs" does not exist'), logger, { rpc: 'X' });
    assert.equal(s.code, grpc.status.INTERNAL);
    const logId = /^internal error, logId=([0-9a-f-]{36})$/.exec(s.details)?.[1];
    assert.ok(logId, s.details);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!['logId'], logId);
    assert.equal(lines[0]!['rpc'], 'X');
    assert.match(JSON.stringify(lines[0]!['err']), /relation \\"runs\\" does not exist/);
  });
});

describe('internal errors over gRPC', () => {
  let t: TestControlPlane;
  const memory = memoryLogger();
  before(async () => {
    t = await startTestControlPlane({}, { logger: memory.logger });
  });
  after(async () => {
    await t.close();
  });

  test('a database failure reaches the agent as INTERNAL with a log id and nothing else; the log has the cause', async () => {
    const org = await createOrg(t.prisma);
    const { token } = await createAgentToken(t.prisma, org.orgId);
    await t.pool.query('ALTER TABLE code_location_versions RENAME TO code_location_versions_gone');
    try {
      const definitionJson = JSON.stringify({ name: 'x', command: ['run'], workingDirectory: '/w', assets: [{ key: 'a' }] });
      const error = await reportCodeLocations(t.address, token, { locations: [{ deployment: 'prod', name: 'x', definitionJson }] }).then(
        () => assert.fail('expected a failure'),
        (e: grpc.ServiceError) => e,
      );
      assert.equal(error.code, grpc.status.INTERNAL);
      const logId = /^internal error, logId=([0-9a-f-]{36})$/.exec(error.details)?.[1];
      assert.ok(logId, error.details);
      assert.doesNotMatch(error.details, /code_location_versions/);
      const line = memory.lines.find((l) => l['logId'] === logId);
      assert.ok(line, 'logged under the id');
      assert.match(JSON.stringify(line['err']), /code_location_versions/);
    } finally {
      await t.pool.query('ALTER TABLE code_location_versions_gone RENAME TO code_location_versions');
    }
  });
});
