import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FlightsSources } from './flights-assets';

/** This folder (examples/flights). */
const HERE = import.meta.dirname;

/** Where the pipeline reads and writes. */
export interface FlightsPaths {
  database: string;
  sources: FlightsSources;
}

/** Finds `node_modules/vega-datasets/data` above `from`. Errors: when there is none. */
function findVegaData(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', 'vega-datasets', 'data');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`node_modules/vega-datasets/data not found above ${from}; set GANTRY_VEGA_DATA_DIR`);
  }
}

/**
 * Resolves the database file and the source files from the environment:
 * the database is `<GANTRY_EXAMPLE_DATA_DIR>/flights/flights.duckdb`
 * (default `<repo>/.gantry/examples/flights/flights.duckdb`); the sources are
 * in `GANTRY_VEGA_DATA_DIR` or the vega-datasets package found above this folder.
 * Errors: when no vega-datasets data folder is found.
 */
export function resolvePaths(env: Readonly<Record<string, string | undefined>>): FlightsPaths {
  const dataDir = env['GANTRY_EXAMPLE_DATA_DIR'] || path.resolve(HERE, '../../.gantry/examples');
  const vega = env['GANTRY_VEGA_DATA_DIR'] || findVegaData(HERE);
  return {
    database: path.join(dataDir, 'flights', 'flights.duckdb'),
    sources: { flightsParquet: path.join(vega, 'flights-3m.parquet'), airportsCsv: path.join(vega, 'airports.csv') },
  };
}
