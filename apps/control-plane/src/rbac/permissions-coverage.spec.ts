/**
 * The permission table and the schema name the same operations: every root
 * field of apps/control-plane/schema.graphql (Query, Mutation, Subscription)
 * and every rpc of proto/gantry/agent/v1/service.proto has an entry in
 * PERMISSIONS, and every entry names an existing operation (or is listed in
 * PLANNED_OPERATIONS below).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Kind, parse } from 'graphql';
import { loadAgentProto } from '@gantry/proto';
import { PERMISSIONS } from './permissions';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'];

/**
 * Entries of PERMISSIONS whose operation does not exist yet (a field being
 * added on another branch), each with a comment saying where. Remove a name
 * when its field lands: the test fails for a name that exists in the schema,
 * so this list only shrinks. (The tenancy operations listed here before have
 * landed.)
 */
const PLANNED_OPERATIONS: string[] = [];

/** `Query.<field>`, `Mutation.<field>`, `Subscription.<field>` of the SDL, extensions included. */
function graphqlOperations(sdl: string): string[] {
  const names: string[] = [];
  for (const def of parse(sdl).definitions) {
    if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && ROOT_TYPES.includes(def.name.value)) {
      for (const field of def.fields ?? []) names.push(`${def.name.value}.${field.name.value}`);
    }
  }
  return names.sort();
}

/** `AgentService.<rpc>` of the loaded proto (names as written in the .proto file). */
function agentOperations(): string[] {
  return Object.keys(loadAgentProto().gantry.agent.v1.AgentService.service)
    .map((rpc) => `AgentService.${rpc}`)
    .sort();
}

const schemaOperations = graphqlOperations(readFileSync(path.join(ROOT, 'apps/control-plane/schema.graphql'), 'utf8'));
const rpcOperations = agentOperations();
const declared = Object.keys(PERMISSIONS).sort();

test('the schema and the proto were read', (t) => {
  t.diagnostic(`${schemaOperations.length} GraphQL root fields, ${rpcOperations.length} agent RPCs, ${declared.length} permission entries`);
  for (const name of ['Query.deployments', 'Mutation.launchRun', 'Subscription.runEvents']) assert.ok(schemaOperations.includes(name), name);
  assert.deepEqual(rpcOperations, ['AgentService.ReportCodeLocations', 'AgentService.Session']);
});

test('every GraphQL root field and every agent RPC has a permission entry', () => {
  const missing = [...schemaOperations, ...rpcOperations].filter((name) => !(name in PERMISSIONS));
  assert.deepEqual(missing, [], 'add these to PERMISSIONS (apps/control-plane/src/rbac/permissions.ts); the guard refuses them meanwhile');
});

test('every permission entry names an existing operation, or a planned one', () => {
  const existing = new Set([...schemaOperations, ...rpcOperations]);
  const unknown = declared.filter((name) => !existing.has(name) && !PLANNED_OPERATIONS.includes(name));
  assert.deepEqual(unknown, [], 'entries for operations that do not exist: remove them, or list them in PLANNED_OPERATIONS with a reason');
});

test('PLANNED_OPERATIONS only holds declared operations that do not exist yet', () => {
  const landed = PLANNED_OPERATIONS.filter((name) => schemaOperations.includes(name));
  assert.deepEqual(landed, [], 'these fields exist now: remove them from PLANNED_OPERATIONS');
  const undeclared = PLANNED_OPERATIONS.filter((name) => !(name in PERMISSIONS));
  assert.deepEqual(undeclared, [], 'a planned operation must have its permission entry');
});

test('agent RPCs, and only they, have the agent scope', () => {
  for (const [name, p] of Object.entries(PERMISSIONS)) {
    assert.equal(p.scope === 'agent', name.startsWith('AgentService.'), `${name}: scope ${p.scope}`);
  }
});

test('subscriptions and mutations are never public', () => {
  for (const [name, p] of Object.entries(PERMISSIONS)) {
    if (!name.startsWith('Query.')) assert.notEqual(p.scope, 'public', name);
  }
});
