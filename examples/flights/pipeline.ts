/**
 * The flights pipeline: computes the assets of `gantry.yaml` that the run
 * selected, in dependency order, with DuckDB, and reports them to the
 * orchestrator through the Pipes protocol (`@gantry/pipes`).
 *
 * Environment: the Pipes variables (`DAGSTER_PIPES_CONTEXT`,
 * `DAGSTER_PIPES_MESSAGES`); `GANTRY_EXAMPLE_DATA_DIR` (the database is
 * `<dir>/flights/flights.duckdb`; default dir `<repo>/.gantry/examples`);
 * `GANTRY_VEGA_DATA_DIR` (the vega-datasets `data` folder; default found by
 * walking up to `node_modules`).
 * Selection: the context's asset keys, run in dependency order; the
 * partitioned asset computes the context's partition key or key range, or
 * every month when there is neither.
 * Exit code 0 on success; 1 after reporting `closed` with the exception.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadCodeLocation, type AssetDefinition } from '@gantry/code-location';
import { PipesMetadata, withPipes, type PipesSession } from '@gantry/pipes';
import { tableExists } from './duckdb-query';
import { FLIGHTS_ASSETS } from './flights-assets';
import { resolvePaths } from './flights-paths';
import { monthKeys, selectMonths } from './month-partitions';

const HERE = import.meta.dirname;

/** The selected assets in dependency order. Errors: for a key gantry.yaml or the pipeline does not know. */
function plan(assets: AssetDefinition[], selected: readonly string[]): AssetDefinition[] {
  const byKey = new Map(assets.map((a) => [a.key, a]));
  for (const key of selected) {
    if (!byKey.has(key) || !FLIGHTS_ASSETS[key]) throw new Error(`asset ${key} is not part of the flights code location`);
  }
  const ordered: AssetDefinition[] = [];
  const seen = new Set<string>();
  const visit = (a: AssetDefinition): void => {
    if (seen.has(a.key)) return;
    seen.add(a.key);
    for (const d of a.deps) visit(byKey.get(d)!);
    if (selected.includes(a.key)) ordered.push(a);
  };
  for (const a of assets) visit(a);
  return ordered;
}

/** Runs the selected assets; reports materializations and checks. Errors propagate to {@link main}. */
async function run(pipes: PipesSession): Promise<void> {
  const started = performance.now();
  const { assetKeys, partitionKey, partitionKeyRange } = pipes.context;
  const location = await loadCodeLocation(path.join(HERE, 'gantry.yaml'));
  if (assetKeys.length === 0) throw new Error('the pipes context selects no assets');
  const steps = plan(location.assets, assetKeys);
  const paths = resolvePaths(process.env);
  mkdirSync(path.dirname(paths.database), { recursive: true });
  pipes.log.info(`flights: ${steps.map((s) => s.key).join(' → ')} into ${paths.database}`);

  const instance = await DuckDBInstance.create(paths.database);
  const conn = await instance.connect();
  try {
    for (const asset of steps) {
      const spec = FLIGHTS_ASSETS[asset.key]!;
      for (const dep of asset.deps) {
        const table = FLIGHTS_ASSETS[dep]?.table;
        if (!assetKeys.includes(dep) && (!table || !(await tableExists(conn, table)))) {
          throw new Error(`${asset.key} needs ${dep}, which is neither in this run nor materialized in ${paths.database}`);
        }
      }
      const definedMonths = asset.partitions ? monthKeys(asset.partitions) : [];
      const months = asset.partitions ? selectMonths(definedMonths, partitionKey, partitionKeyRange) : [];
      pipes.log.info(`${asset.key}: computing${months.length ? ` months ${months[0]}..${months.at(-1)}` : ''}`);
      const t0 = performance.now();
      const outcome = await spec.build({ conn, sources: paths.sources, months, definedMonths });
      const durationMs = Math.round(performance.now() - t0);

      const declared = asset.checks.map((c) => c.name).sort();
      const produced = outcome.checks.map((c) => c.checkName).sort();
      if (declared.join() !== produced.join()) {
        throw new Error(`${asset.key}: gantry.yaml declares checks [${declared.join(', ')}] but the pipeline evaluated [${produced.join(', ')}]`);
      }
      pipes.reportAssetMaterialization({
        assetKey: asset.key,
        ...(outcome.dataVersion !== undefined && { dataVersion: outcome.dataVersion }),
        metadata: {
          ...outcome.metadata,
          duration_ms: PipesMetadata.int(durationMs),
          path: PipesMetadata.path(paths.database),
          table: spec.table,
        },
      });
      for (const check of outcome.checks) {
        pipes.reportAssetCheck({ assetKey: asset.key, checkName: check.checkName, passed: check.passed, severity: check.severity ?? 'ERROR', metadata: check.metadata });
        pipes.log.info(`${asset.key}: check ${check.checkName} ${check.passed ? 'passed' : 'FAILED'}`);
      }
      const rows = outcome.metadata['row_count'];
      const rowCount = rows && typeof rows === 'object' && 'raw_value' in rows ? String(rows.raw_value) : '?';
      pipes.log.info(`${asset.key}: materialized ${rowCount} rows in ${durationMs} ms`);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  pipes.log.info(`flights: done in ${Math.round(performance.now() - started)} ms`);
}

/** Entry point: runs inside a Pipes session (closed with the error on failure); exit code 1 on any failure. */
async function main(): Promise<void> {
  try {
    await withPipes(async (pipes) => {
      try {
        await run(pipes);
      } catch (error) {
        pipes.log.error(`flights pipeline failed: ${(error as Error).message}`);
        throw error;
      }
    });
  } catch (error) {
    process.stderr.write(`flights pipeline: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

await main();
