import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditActorOf, auditWho, originOfGrpcPeer, originOfHttpRequest, systemActor } from './audit-actor';

test('actor fields: kind and id as in actorRef, a display label', () => {
  assert.deepEqual(auditActorOf({ kind: 'user', id: 'u1', subject: 's', email: 'ada@example.com', name: 'Ada' }), { kind: 'user', id: 'u1', label: 'ada@example.com' });
  assert.deepEqual(auditActorOf({ kind: 'user', id: 'u1', subject: 's', email: null, name: null }), { kind: 'user', id: 'u1', label: 's' });
  assert.deepEqual(auditActorOf({ kind: 'api_token', id: 't1' }, 'ci'), { kind: 'api_token', id: 't1', label: 'ci' });
  assert.deepEqual(auditActorOf({ kind: 'agent', id: 'a1' }), { kind: 'agent', id: 'a1', label: null });
  assert.deepEqual(systemActor('retention'), { kind: 'system', id: null, label: 'retention' });
  assert.deepEqual(auditWho({ orgId: 'o', actor: { kind: 'api_token', id: 't' }, grants: [] }, { sourceIp: '1.2.3.4', userAgent: 'x' }), {
    orgId: 'o', actor: { kind: 'api_token', id: 't', label: null }, sourceIp: '1.2.3.4', userAgent: 'x',
  });
  assert.deepEqual(auditWho({ orgId: 'o', actor: { kind: 'agent', id: 'a' }, grants: [] }), { orgId: 'o', actor: { kind: 'agent', id: 'a', label: null }, sourceIp: null, userAgent: null });
});

test('origins of HTTP requests and gRPC peers', () => {
  assert.deepEqual(originOfHttpRequest({ ip: '::ffff:10.1.2.3', headers: { 'user-agent': 'curl/8' } }), { sourceIp: '10.1.2.3', userAgent: 'curl/8' });
  assert.deepEqual(originOfHttpRequest({ socket: { remoteAddress: '::1' }, headers: {} }), { sourceIp: '::1', userAgent: null });
  assert.deepEqual(originOfHttpRequest(undefined), { sourceIp: null, userAgent: null });
  assert.deepEqual(originOfGrpcPeer('127.0.0.1:5678', 'grpc-node-js/1'), { sourceIp: '127.0.0.1', userAgent: 'grpc-node-js/1' });
  assert.deepEqual(originOfGrpcPeer('ipv4:10.0.0.2:1', null), { sourceIp: '10.0.0.2', userAgent: null });
  assert.deepEqual(originOfGrpcPeer('[::1]:5678', null), { sourceIp: '::1', userAgent: null });
  assert.deepEqual(originOfGrpcPeer('ipv6:[2001:db8::1]:443', null), { sourceIp: '2001:db8::1', userAgent: null });
  assert.deepEqual(originOfGrpcPeer('unix:/tmp/sock', null), { sourceIp: null, userAgent: null });
});
