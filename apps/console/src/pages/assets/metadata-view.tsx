import { Link } from 'react-router';
import { useScopedPath } from '../../layout/scope';

/** A metadata entry in Dagster Pipes shape. */
interface Entry {
  raw_value: unknown;
  type: string;
}

interface Column {
  name: string;
  type?: string;
  description?: string;
  constraints?: { nullable?: boolean; unique?: boolean };
}

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 6 });

function isEntry(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && 'type' in value && 'raw_value' in value && typeof value.type === 'string';
}

function columnsOf(value: unknown): Column[] {
  const list = (value as { columns?: unknown; schema?: unknown } | null)?.columns;
  return Array.isArray(list) ? list.filter((c): c is Column => typeof c === 'object' && c !== null && 'name' in c) : [];
}

/**
 * Metadata entries `{ name: { raw_value, type } }` as a definition list,
 * each value rendered by its Pipes type: numbers formatted, urls as links,
 * paths monospace, json pretty-printed, tables and column schemas as tables,
 * timestamps (seconds since the epoch) as dates, markdown as preformatted text,
 * assets and runs as links. Anything else (or a value that is not an entry)
 * falls back to its JSON.
 */
export function MetadataView({ metadata, label }: { metadata: unknown; label?: string }) {
  const entries = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? Object.entries(metadata) : [];
  if (entries.length === 0) return <p className="muted">No metadata.</p>;
  return (
    <dl className="metadata" aria-label={label}>
      {entries.map(([name, entry]) => (
        <div key={name} className="metadata-entry">
          <dt>
            {name} <span className="metadata-type muted">{isEntry(entry) ? entry.type : 'json'}</span>
          </dt>
          <dd>{isEntry(entry) ? <MetadataValue entry={entry} /> : <JsonValue value={entry} />}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One metadata value rendered by its type (see MetadataView). */
export function MetadataValue({ entry }: { entry: Entry }) {
  const path = useScopedPath();
  const raw = entry.raw_value;
  switch (entry.type) {
    case 'int':
    case 'float':
      return typeof raw === 'number' ? <span className="metadata-number">{numberFormat.format(raw)}</span> : <JsonValue value={raw} />;
    case 'bool':
      return <span>{raw ? 'true' : 'false'}</span>;
    case 'null':
      return <span className="muted">null</span>;
    case 'text':
      return <span>{String(raw)}</span>;
    case 'url':
      return typeof raw === 'string' && /^https?:\/\//i.test(raw) ? (
        <a href={raw} target="_blank" rel="noreferrer noopener">
          {raw}
        </a>
      ) : (
        <span className="mono">{String(raw)}</span>
      );
    case 'path':
    case 'notebook':
      return <span className="mono metadata-path">{String(raw)}</span>;
    case 'md': {
      // No markdown renderer is installed: pipe tables (what pipelines mostly emit) become tables, other markdown stays as text.
      const table = typeof raw === 'string' ? markdownTable(raw) : null;
      return table ? <RecordsTable value={table} /> : <pre className="metadata-pre">{String(raw)}</pre>;
    }
    case 'timestamp':
      return typeof raw === 'number' ? <time dateTime={new Date(raw * 1000).toISOString()}>{new Date(raw * 1000).toLocaleString()}</time> : <JsonValue value={raw} />;
    case 'asset':
      return typeof raw === 'string' ? <Link to={path(`assets/${raw}`)}>{raw}</Link> : <JsonValue value={raw} />;
    case 'dagster_run':
      return typeof raw === 'string' ? <Link className="mono" to={path(`runs/${raw}`)}>{raw}</Link> : <JsonValue value={raw} />;
    case 'table':
      return <RecordsTable value={raw} />;
    case 'table_schema':
      return <SchemaTable columns={columnsOf(raw)} />;
    default:
      return <JsonValue value={raw} />;
  }
}

function JsonValue({ value }: { value: unknown }) {
  const compact = JSON.stringify(value) ?? 'undefined';
  // Short values (a few keys or names) read better on one line.
  if (compact.length <= 100) return <code className="metadata-json">{compact}</code>;
  return <pre className="metadata-pre">{JSON.stringify(value, null, 2)}</pre>;
}

/** A `table` value `{ records, schema }`: columns from the schema (or the first record), one row per record. */
function RecordsTable({ value }: { value: unknown }) {
  const records = (value as { records?: unknown } | null)?.records;
  const rows = Array.isArray(records) ? records.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null) : [];
  // The schema is a column list (this repository's pipes lib) or `{ columns }` (Dagster's TableSchema).
  const schemaRaw = (value as { schema?: unknown } | null)?.schema;
  const fromSchema = (Array.isArray(schemaRaw) ? columnsOf({ columns: schemaRaw }) : columnsOf(schemaRaw)).map((c) => c.name);
  const names = fromSchema.length ? fromSchema : Object.keys(rows[0] ?? {});
  if (rows.length === 0) return <span className="muted">Empty table.</span>;
  return (
    <div className="metadata-table-wrap">
      <table className="data metadata-table">
        <thead>
          <tr>
            {names.map((n) => (
              <th key={n} scope="col">
                {n}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {names.map((n) => (
                <td key={n}>{cell(row[n])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A markdown pipe table (header, `---` separator, rows) as `{ records, schema }`; null for any other markdown. */
export function markdownTable(text: string): { records: Record<string, string>[]; schema: { name: string }[] } | null {
  const lines = text.trim().split('\n').map((l) => l.trim());
  if (lines.length < 2 || !lines.every((l) => l.startsWith('|') && l.endsWith('|'))) return null;
  const cells = (line: string) => line.slice(1, -1).split('|').map((c) => c.trim());
  const header = cells(lines[0]!);
  if (!cells(lines[1]!).every((c) => /^:?-{3,}:?$/.test(c))) return null;
  const records = lines.slice(2).map((l) => Object.fromEntries(cells(l).map((c, i) => [header[i] ?? `column ${i + 1}`, c])));
  return { records, schema: header.map((name) => ({ name })) };
}

function cell(value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'number') return numberFormat.format(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A `table_schema` value: one row per column with its type, nullability and description. */
function SchemaTable({ columns }: { columns: Column[] }) {
  if (columns.length === 0) return <span className="muted">No columns.</span>;
  return (
    <table className="data metadata-table">
      <thead>
        <tr>
          <th scope="col">Column</th>
          <th scope="col">Type</th>
          <th scope="col">Nullable</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {columns.map((c) => (
          <tr key={c.name}>
            <td className="mono">{c.name}</td>
            <td className="mono">{c.type ?? ''}</td>
            <td>{c.constraints?.nullable === false ? 'no' : c.constraints?.nullable ? 'yes' : ''}</td>
            <td>{c.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
