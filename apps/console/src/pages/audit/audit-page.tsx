import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useAuth } from '../../auth/auth-context';
import { Page } from '../../components/page';
import { Empty } from '../../components/states';
import { roleAtLeast, useScope } from '../../layout/scope';
import { downloadAuditExport } from './audit-export';
import { filtersFromSearch, searchOfFilters, serverFilter, type AuditFilters } from './audit-filters';
import { AuditEventPages } from './audit-event-pages';
import { VerifyChain } from './verify-chain';
import { Field } from '../members/field';

/**
 * The organization's audit log (Admin on the organization): events newest
 * first with "Load more", filters kept in the URL query, rows that expand to
 * before/after JSON, a hash-chain check and NDJSON/CSV exports of the
 * filtered log.
 */
export function AuditPage() {
  const { org, organizationRole } = useScope();
  const auth = useAuth();
  const [search, setSearch] = useSearchParams();
  const applied = filtersFromSearch(search);
  const [draft, setDraft] = useState<AuditFilters>(applied);
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const filter = serverFilter(applied);
  const filterKey = searchOfFilters(applied).toString();

  if (!roleAtLeast(organizationRole, 'ADMIN')) {
    return (
      <Page title="Audit log">
        <Empty title="Only organization Admins see the audit log" />
      </Page>
    );
  }

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setSearch(searchOfFilters(draft));
  };
  const clear = () => {
    const empty = filtersFromSearch(new URLSearchParams());
    setDraft(empty);
    setSearch(new URLSearchParams());
  };
  const exportAs = async (format: 'ndjson' | 'csv') => {
    setExporting(format);
    setExportError(null);
    try {
      await downloadAuditExport({ org, format, filter, token: await auth.token() });
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    } finally {
      setExporting(null);
    }
  };
  const field = (name: keyof AuditFilters) => ({ value: draft[name], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }) });

  return (
    <Page
      title="Audit log"
      actions={
        <>
          <button type="button" disabled={exporting !== null} onClick={() => void exportAs('ndjson')}>
            {exporting === 'ndjson' ? 'Exporting…' : 'Export NDJSON'}
          </button>
          <button type="button" disabled={exporting !== null} onClick={() => void exportAs('csv')}>
            {exporting === 'csv' ? 'Exporting…' : 'Export CSV'}
          </button>
        </>
      }
    >
      {exportError && (
        <div className="action-error" role="alert">
          <strong>Could not export.</strong> <span className="muted">{exportError}</span>
        </div>
      )}
      <VerifyChain />
      <form className="toolbar audit-filters" onSubmit={apply} aria-label="Filter the audit log">
        <Field label="Action">
          {(id) => (
            <input id={id} {...field('action')} placeholder="api_token.* or role.grant" list="audit-actions" />
          )}
        </Field>
        <datalist id="audit-actions">
          {['api_token.*', 'api_token.create', 'api_token.revoke', 'role.*', 'role.grant', 'role.revoke', 'invitation.*', 'team.*', 'member.remove', 'run.*', 'auth.*'].map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <Field label="Actor">
          {(id) => (
            <input id={id} {...field('actor')} placeholder="user:<id>, api_token, system" />
          )}
        </Field>
        <Field label="Target type">
          {(id) => (
            <input id={id} {...field('targetType')} placeholder="api_token, user, team…" />
          )}
        </Field>
        <Field label="Target id">
          {(id) => (
            <input id={id} {...field('targetId')} />
          )}
        </Field>
        <Field label="From">
          {(id) => (
            <input id={id} type="datetime-local" {...field('from')} />
          )}
        </Field>
        <Field label="To">
          {(id) => (
            <input id={id} type="datetime-local" {...field('to')} />
          )}
        </Field>
        <button type="submit" className="primary">Apply filters</button>
        <button type="button" onClick={clear}>Clear</button>
      </form>
      <AuditEventPages key={filterKey} filter={filter} filtered={filterKey !== ''} onActorFilter={(actor) => {
        const next = { ...applied, actor };
        setDraft(next);
        setSearch(searchOfFilters(next));
      }} />
    </Page>
  );
}
