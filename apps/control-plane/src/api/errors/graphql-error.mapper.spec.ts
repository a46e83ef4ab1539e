import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import pino from 'pino';
import { UnauthenticatedError } from '../../auth/auth.errors';
import { AssetNotFoundError } from '../../catalog/catalog.errors';
import { RunAlreadyFinishedError } from '../../runs/runs.errors';
import { InvalidCursorError } from './api.errors';
import { classifyError, GraphqlErrorMapper } from './graphql-error.mapper';

function mapperWithLog(): { mapper: GraphqlErrorMapper; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { mapper: new GraphqlErrorMapper(pino({ level: 'info' }, sink)), lines };
}

test('domain errors keep their message, code, kind and details', () => {
  const { mapper, lines } = mapperWithLog();
  const e = mapper.toGraphQLError(new AssetNotFoundError('prod', ['a/b']));
  assert.equal(e.message, 'asset "a/b" not found (or not active) in deployment "prod"');
  assert.deepEqual(e.extensions, { deployment: 'prod', assetKeys: ['a/b'], code: 'ASSET_NOT_FOUND', kind: 'NOT_FOUND' });
  assert.equal(mapper.toGraphQLError(new UnauthenticatedError()).extensions['kind'], 'UNAUTHENTICATED');
  assert.equal(mapper.toGraphQLError(new RunAlreadyFinishedError('r', 'SUCCESS')).extensions['kind'], 'CONFLICT');
  assert.equal(mapper.toGraphQLError(new InvalidCursorError('x')).extensions['kind'], 'BAD_USER_INPUT');
  assert.equal(lines.length, 0, 'expected errors are not logged as failures');
});

test('unknown errors become "internal error, logId=…" and the real error is logged under that id', async () => {
  const { mapper, lines } = mapperWithLog();
  const e = mapper.toGraphQLError(new Error('relation "runs" does not exist: SELECT secret FROM …'));
  const logId = e.extensions['logId'];
  assert.equal(typeof logId, 'string');
  assert.equal(e.message, `internal error, logId=${String(logId)}`);
  assert.equal(e.extensions['code'], 'INTERNAL_SERVER_ERROR');
  assert.doesNotMatch(e.message, /secret/);
  await new Promise((r) => setImmediate(r));
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.['logId'], logId);
  assert.match(JSON.stringify(lines[0]?.['err']), /relation \\"runs\\" does not exist/);
});

test('GraphQL errors pass through; a GraphQL error wrapping a foreign error is mapped by its cause', () => {
  const { mapper } = mapperWithLog();
  const ready = new GraphQLError('query too deep', { extensions: { code: 'QUERY_TOO_DEEP' } });
  assert.equal(mapper.toGraphQLError(ready), ready);
  const wrapped = new GraphQLError('boom', { originalError: new Error('db') });
  assert.match(mapper.toGraphQLError(wrapped).message, /^internal error, logId=/);
});

test('every public code is classified with an HTTP status', () => {
  for (const code of ['UNAUTHENTICATED', 'DEPLOYMENT_NOT_FOUND', 'ASSET_NOT_FOUND', 'RUN_NOT_FOUND', 'RUN_SPANS_CODE_LOCATIONS', 'PARTITION_INVALID', 'INVALID_CURSOR', 'INVALID_ARGUMENT', 'RUN_ALREADY_FINISHED', 'CODE_LOCATION_NOT_READY', 'ASSET_GRAPH_CYCLE'] as const) {
    assert.ok(classifyError(code).httpStatus >= 400);
  }
  assert.equal(classifyError('UNAUTHENTICATED').httpStatus, 401);
});
