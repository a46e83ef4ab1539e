import type { DuckDBConnection, Json } from '@duckdb/node-api';

/** One result row, values converted to JSON (DuckDB BIGINT, DATE and TIMESTAMP become strings; cast in SQL to get numbers). */
export type Row = Record<string, Json>;

/** Runs `sql` and returns every row as JSON values. Errors: DuckDB's error for invalid SQL or missing tables. */
export async function queryRows(conn: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJson();
}

/** Runs a query expected to return exactly one row. Errors: when it returns none or several. */
export async function queryOne(conn: DuckDBConnection, sql: string): Promise<Row> {
  const rows = await queryRows(conn, sql);
  if (rows.length !== 1 || rows[0] === undefined) throw new Error(`expected one row, got ${rows.length}: ${sql}`);
  return rows[0];
}

/** Reads a numeric column of a row. Errors: when the value is not a finite number (cast BIGINT columns in SQL). */
export function num(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`column ${column} is ${JSON.stringify(value)}, not a number`);
  return value;
}

/** Whether a table exists in the database's main schema. */
export async function tableExists(conn: DuckDBConnection, table: string): Promise<boolean> {
  const row = await queryOne(conn, `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ${sqlString(table)}`);
  return num(row, 'n') > 0;
}

/** Column names of a table, in order. */
export async function tableColumns(conn: DuckDBConnection, table: string): Promise<string[]> {
  const rows = await queryRows(conn, `SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ${sqlString(table)} ORDER BY ordinal_position`);
  return rows.map((r) => String(r['column_name']));
}

/** A SQL string literal (single quotes doubled). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Renders rows as a GitHub-flavoured Markdown table (metadata type `md`); pipes in values are escaped. */
export function markdownTable(rows: readonly Row[]): string {
  const first = rows[0];
  if (!first) return '_no rows_';
  const columns = Object.keys(first);
  const cell = (v: Json | undefined): string => {
    const text = v === null || v === undefined ? '' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  };
  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${columns.map((c) => cell(r[c])).join(' | ')} |`),
  ].join('\n');
}
