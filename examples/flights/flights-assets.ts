import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { PipesMetadata, type PipesMetadataInput } from '@gantry/pipes';
import { markdownTable, num, queryOne, queryRows, sqlString, tableColumns } from './duckdb-query';

/** Where the raw data comes from (files of the `vega-datasets` npm package). */
export interface FlightsSources {
  /** `flights-3m.parquet`: date (TIMESTAMP), delay (minutes), distance (miles), origin, destination (IATA codes). */
  flightsParquet: string;
  /** `airports.csv`: iata, name, city, state, country, latitude, longitude. */
  airportsCsv: string;
}

/** What an asset builder gets: the open database, the sources and, for the partitioned asset, the months to compute. */
export interface AssetBuildInput {
  conn: DuckDBConnection;
  sources: FlightsSources;
  /** Months (`YYYY-MM`) to (re)compute; only used by the partitioned asset. */
  months: string[];
  /** Every month the partitioned asset defines, in order. */
  definedMonths: string[];
}

/** The result of one asset check, named as in gantry.yaml. */
export interface CheckOutcome {
  checkName: string;
  passed: boolean;
  severity?: 'WARN' | 'ERROR';
  metadata: Record<string, PipesMetadataInput>;
}

/** What a builder produced: metadata for the materialization, the check results and an optional data version. */
export interface AssetOutcome {
  metadata: Record<string, PipesMetadataInput>;
  checks: CheckOutcome[];
  dataVersion?: string;
}

/** One asset of the flights code location: the DuckDB table it writes and how to build it. */
export interface FlightsAsset {
  table: string;
  build: (input: AssetBuildInput) => Promise<AssetOutcome>;
}

const { int, json, md, path } = PipesMetadata;
/** A float rounded to two decimals, for display. */
const float = (value: number): PipesMetadataInput => PipesMetadata.float(Math.round(value * 100) / 100);

/** sha256 of a file, first 16 hex digits: the data version of an asset copied from it. */
function fileVersion(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
}

/** A table's columns with their DuckDB types, as Dagster's standard `dagster/column_schema` (type `table_schema`). */
async function columnSchema(conn: DuckDBConnection, table: string): Promise<PipesMetadataInput> {
  const rows = await queryRows(conn, `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ${sqlString(table)} ORDER BY ordinal_position`);
  return PipesMetadata.tableSchema(rows.map((r) => ({ name: String(r['column_name']), type: String(r['data_type']), constraints: { nullable: r['is_nullable'] === 'YES' } })));
}

/** row_count, columns (names and schema) and a five-row preview of a table (optionally of the rows matching `where`). */
async function describeTable(conn: DuckDBConnection, table: string, where = 'TRUE', orderBy = '1'): Promise<Record<string, PipesMetadataInput>> {
  const count = num(await queryOne(conn, `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${where}`), 'n');
  const preview = await queryRows(conn, `SELECT * FROM ${table} WHERE ${where} ORDER BY ${orderBy} LIMIT 5`);
  return {
    row_count: int(count),
    columns: json(await tableColumns(conn, table)),
    'dagster/column_schema': await columnSchema(conn, table),
    preview: md(markdownTable(preview)),
  };
}

const monthList = (months: readonly string[]): string => months.map(sqlString).join(', ');

async function buildRawFlights({ conn, sources }: AssetBuildInput): Promise<AssetOutcome> {
  await conn.run(`
    CREATE OR REPLACE TABLE raw_flights AS
    SELECT date::TIMESTAMP AS date, delay::INTEGER AS delay, distance::INTEGER AS distance, origin, destination
    FROM read_parquet(${sqlString(sources.flightsParquet)})`);
  const stats = await queryOne(conn, `
    SELECT count(*)::INTEGER AS row_count, count(*) FILTER (WHERE date IS NULL)::INTEGER AS null_dates,
           strftime(min(date), '%Y-%m-%d %H:%M') AS first_departure, strftime(max(date), '%Y-%m-%d %H:%M') AS last_departure,
           count(DISTINCT origin)::INTEGER AS origins
    FROM raw_flights`);
  const rowCount = num(stats, 'row_count');
  const nullDates = num(stats, 'null_dates');
  return {
    dataVersion: fileVersion(sources.flightsParquet),
    metadata: {
      ...(await describeTable(conn, 'raw_flights', 'TRUE', 'date, origin, destination')),
      source: path(sources.flightsParquet),
      first_departure: String(stats['first_departure']),
      last_departure: String(stats['last_departure']),
      origin_airports: int(num(stats, 'origins')),
    },
    checks: [
      { checkName: 'no_null_dates', passed: nullDates === 0, metadata: { null_dates: int(nullDates) } },
      { checkName: 'row_count_positive', passed: rowCount > 0, metadata: { row_count: int(rowCount) } },
    ],
  };
}

async function buildAirports({ conn, sources }: AssetBuildInput): Promise<AssetOutcome> {
  await conn.run(`
    CREATE OR REPLACE TABLE airports AS
    SELECT iata, name, city, state, country, latitude::DOUBLE AS latitude, longitude::DOUBLE AS longitude
    FROM read_csv(${sqlString(sources.airportsCsv)}, header = true, types = {'iata': 'VARCHAR', 'state': 'VARCHAR'})`);
  const stats = await queryOne(conn, `
    SELECT count(*)::INTEGER AS row_count, (count(*) - count(DISTINCT iata))::INTEGER AS duplicate_codes,
           count(*) FILTER (WHERE iata IS NULL)::INTEGER AS missing_codes, count(DISTINCT state)::INTEGER AS states
    FROM airports`);
  const duplicates = num(stats, 'duplicate_codes');
  const missing = num(stats, 'missing_codes');
  return {
    dataVersion: fileVersion(sources.airportsCsv),
    metadata: { ...(await describeTable(conn, 'airports', 'TRUE', 'iata')), source: path(sources.airportsCsv), states: int(num(stats, 'states')) },
    checks: [
      {
        checkName: 'iata_codes_unique',
        passed: duplicates === 0 && missing === 0,
        metadata: { duplicate_codes: int(duplicates), missing_codes: int(missing) },
      },
    ],
  };
}

async function buildDailyDelays({ conn, months, definedMonths }: AssetBuildInput): Promise<AssetOutcome> {
  const inMonths = `month IN (${monthList(months)})`;
  await conn.run(`
    CREATE TABLE IF NOT EXISTS daily_delays_by_airport (
      month VARCHAR NOT NULL, day DATE NOT NULL, origin VARCHAR NOT NULL, airport VARCHAR, city VARCHAR, state VARCHAR,
      flights INTEGER NOT NULL, delayed_flights INTEGER NOT NULL, avg_delay_min DOUBLE NOT NULL, p95_delay_min DOUBLE NOT NULL)`);
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`DELETE FROM daily_delays_by_airport WHERE ${inMonths}`);
    await conn.run(`
      INSERT INTO daily_delays_by_airport
      SELECT strftime(f.date, '%Y-%m') AS month, f.date::DATE AS day, f.origin, a.name, a.city, a.state,
             count(*)::INTEGER, count(*) FILTER (WHERE f.delay > 15)::INTEGER, avg(f.delay), quantile_cont(f.delay, 0.95)
      FROM raw_flights f LEFT JOIN airports a ON a.iata = f.origin
      WHERE strftime(f.date, '%Y-%m') IN (${monthList(months)})
      GROUP BY ALL`);
    await conn.run('COMMIT');
  } catch (error) {
    await conn.run('ROLLBACK');
    throw error;
  }
  const stats = await queryOne(conn, `
    SELECT coalesce(sum(flights), 0)::INTEGER AS flights, count(*) FILTER (WHERE airport IS NULL)::INTEGER AS unknown_origins,
           coalesce(sum(delayed_flights), 0)::INTEGER AS delayed
    FROM daily_delays_by_airport WHERE ${inMonths}`);
  const outside = await queryOne(conn, `
    SELECT count(*)::INTEGER AS n FROM raw_flights WHERE strftime(date, '%Y-%m') NOT IN (${monthList(definedMonths)})`);
  const perMonth = await queryRows(conn, `
    SELECT month, sum(flights)::INTEGER AS flights, round(sum(avg_delay_min * flights) / sum(flights), 2)::DOUBLE AS avg_delay_min
    FROM daily_delays_by_airport WHERE ${inMonths} GROUP BY month ORDER BY month`);
  const tableMonths = await queryRows(conn, 'SELECT DISTINCT month FROM daily_delays_by_airport ORDER BY month');
  const flights = num(stats, 'flights');
  const unknown = num(stats, 'unknown_origins');
  return {
    metadata: {
      ...(await describeTable(conn, 'daily_delays_by_airport', inMonths, 'day, origin')),
      months: json(months),
      partition_count: int(months.length),
      flights: int(flights),
      delayed_over_15_min_pct: float(flights === 0 ? 0 : (100 * num(stats, 'delayed')) / flights),
      per_month: md(markdownTable(perMonth)),
      months_in_table: json(tableMonths.map((r) => String(r['month']))),
      raw_rows_outside_partitions: int(num(outside, 'n')),
    },
    checks: [
      {
        checkName: 'origins_known',
        passed: unknown === 0 && flights > 0,
        metadata: { unknown_origin_rows: int(unknown), flights: int(flights) },
      },
    ],
  };
}

/** Least flights over the computed months for an airport to be ranked in top_delays. */
export const TOP_DELAYS_MIN_FLIGHTS = 1000;
/** How many airports top_delays ranks. */
export const TOP_DELAYS_LIMIT = 10;

async function buildTopDelays({ conn }: AssetBuildInput): Promise<AssetOutcome> {
  await conn.run(`
    CREATE OR REPLACE TABLE top_delays AS
    SELECT row_number() OVER (ORDER BY sum(avg_delay_min * flights) / sum(flights) DESC)::INTEGER AS rank,
           origin, any_value(airport) AS airport, any_value(city) AS city, any_value(state) AS state,
           sum(flights)::INTEGER AS flights, round(sum(avg_delay_min * flights) / sum(flights), 2)::DOUBLE AS avg_delay_min,
           round(100.0 * sum(delayed_flights) / sum(flights), 1)::DOUBLE AS delayed_over_15_min_pct
    FROM daily_delays_by_airport
    GROUP BY origin HAVING sum(flights) >= ${TOP_DELAYS_MIN_FLIGHTS}
    ORDER BY rank LIMIT ${TOP_DELAYS_LIMIT}`);
  const rows = await queryRows(conn, 'SELECT * FROM top_delays ORDER BY rank');
  const months = await queryRows(conn, 'SELECT DISTINCT month FROM daily_delays_by_airport ORDER BY month');
  const delays = rows.map((r) => num(r, 'avg_delay_min'));
  const implausible = rows.filter((r) => num(r, 'avg_delay_min') < -30 || num(r, 'avg_delay_min') > 120 || num(r, 'flights') < TOP_DELAYS_MIN_FLIGHTS);
  const worst = rows[0];
  return {
    metadata: {
      row_count: int(rows.length),
      columns: json(await tableColumns(conn, 'top_delays')),
      'dagster/column_schema': await columnSchema(conn, 'top_delays'),
      preview: md(markdownTable(rows)),
      months_covered: json(months.map((r) => String(r['month']))),
      worst_airport: worst ? `${String(worst['origin'])} (${String(worst['airport'])})` : 'none',
      worst_avg_delay_min: float(delays[0] ?? 0),
    },
    checks: [
      {
        checkName: 'delays_plausible',
        passed: rows.length === TOP_DELAYS_LIMIT && implausible.length === 0,
        metadata: {
          airports: int(rows.length),
          max_avg_delay_min: float(Math.max(...delays, 0)),
          min_avg_delay_min: float(delays.length ? Math.min(...delays) : 0),
          implausible_airports: json(implausible.map((r) => r['origin'])),
        },
      },
    ],
  };
}

/** The flights assets by key, each with its table and builder; gantry.yaml declares their deps, partitions and checks. */
export const FLIGHTS_ASSETS: Readonly<Record<string, FlightsAsset>> = {
  'flights/raw_flights': { table: 'raw_flights', build: buildRawFlights },
  'flights/airports': { table: 'airports', build: buildAirports },
  'flights/daily_delays_by_airport': { table: 'daily_delays_by_airport', build: buildDailyDelays },
  'flights/top_delays': { table: 'top_delays', build: buildTopDelays },
};
