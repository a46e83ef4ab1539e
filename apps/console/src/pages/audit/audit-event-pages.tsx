import { Fragment, useState, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { Empty, ErrorState, Loading } from '../../components/states';
import { graphql } from '../../gql';
import type { AuditEventsQuery } from '../../gql/graphql';
import { formatTime } from '../members/principal-label';

/** Events per page ("Load more" fetches the next as many). */
const PAGE_SIZE = 50;

const AuditEventsQueryDoc = graphql(`
  query AuditEvents($after: String, $filter: AuditEventFilterInput, $first: Int!) {
    auditEvents(after: $after, filter: $filter, first: $first) {
      edges {
        cursor
        node {
          id
          seq
          action
          outcome
          occurredAt
          actor { kind id label }
          target { type id }
          before
          after
          metadata
          sourceIp
          userAgent
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

type AuditEventNode = AuditEventsQuery['auditEvents']['edges'][number]['node'];

/**
 * The filtered audit log as a table, one query per loaded page: the first
 * page, then one more per "Load more" (cursor of the previous page's end).
 * Rows expand to their before/after/metadata JSON.
 */
export function AuditEventPages({ filter, filtered, onActorFilter }: {
  filter: Record<string, string>;
  filtered: boolean;
  onActorFilter: (actor: string) => void;
}) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <table className="data audit-table" aria-label="Audit events">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Time</th>
          <th scope="col">Action</th>
          <th scope="col">Actor</th>
          <th scope="col">Target</th>
          <th scope="col">Outcome</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      {cursors.map((after, i) => (
        <AuditEventPage
          key={after ?? 'first'}
          after={after}
          filter={filter}
          first={i === 0}
          filtered={filtered}
          last={i === cursors.length - 1}
          onMore={(cursor) => setCursors([...cursors, cursor])}
          onActorFilter={onActorFilter}
        />
      ))}
    </table>
  );
}

const COLUMNS = 7;

function AuditEventPage({ after, filter, first, filtered, last, onMore, onActorFilter }: {
  after: string | null;
  filter: Record<string, string>;
  first: boolean;
  filtered: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
  onActorFilter: (actor: string) => void;
}) {
  const [result, reexecute] = useQuery({
    query: AuditEventsQueryDoc,
    variables: { after, filter: Object.keys(filter).length ? filter : null, first: PAGE_SIZE },
    // Older pages never change; the first page is fetched fresh on each visit.
    requestPolicy: first ? 'cache-and-network' : 'cache-first',
  });
  const row = (content: ReactNode) => (
    <tbody>
      <tr>
        <td colSpan={COLUMNS}>{content}</td>
      </tr>
    </tbody>
  );
  if (result.error && !result.data) return row(<ErrorState error={result.error} retry={() => reexecute({ requestPolicy: 'network-only' })} />);
  if (!result.data) return row(<Loading what="audit events" />);
  const { edges, pageInfo } = result.data.auditEvents;
  return (
    <tbody>
      {first && edges.length === 0 && (
        <tr>
          <td colSpan={COLUMNS}>
            <Empty title={filtered ? 'No events match these filters' : 'No audit events yet'}>
              {filtered && <p>Clear or widen the filters to see more.</p>}
            </Empty>
          </td>
        </tr>
      )}
      {edges.map(({ node }) => (
        <AuditEventRow key={node.id} event={node} onActorFilter={onActorFilter} />
      ))}
      {last && pageInfo.hasNextPage && pageInfo.endCursor && (
        <tr>
          <td colSpan={COLUMNS}>
            <button type="button" onClick={() => onMore(pageInfo.endCursor!)}>Load more</button>
          </td>
        </tr>
      )}
      {last && !pageInfo.hasNextPage && edges.length > 0 && (
        <tr>
          <td colSpan={COLUMNS} className="muted">End of the log.</td>
        </tr>
      )}
    </tbody>
  );
}

function actorRef(actor: AuditEventNode['actor']): string {
  return actor.id ? `${actor.kind}:${actor.id}` : actor.kind;
}

function AuditEventRow({ event, onActorFilter }: { event: AuditEventNode; onActorFilter: (actor: string) => void }) {
  const [open, setOpen] = useState(false);
  const detailsId = `audit-${event.id}`;
  return (
    <Fragment>
      <tr data-action={event.action}>
        <td className="mono">{event.seq}</td>
        <td>{formatTime(event.occurredAt)}</td>
        <td className="mono">{event.action}</td>
        <td>
          <button type="button" className="link-button" onClick={() => onActorFilter(actorRef(event.actor))} title="Show only this actor's events">
            {event.actor.label ?? event.actor.kind}
          </button>
          <div className="muted">{event.actor.kind}</div>
        </td>
        <td>
          {event.target ? (
            <>
              {event.target.type} <span className="mono muted">{event.target.id?.slice(0, 8)}</span>
            </>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
        <td>
          <span className={`status status-outcome-${event.outcome}`}>{event.outcome === 'success' ? '✓ success' : `✗ ${event.outcome}`}</span>
        </td>
        <td>
          <button type="button" aria-expanded={open} {...(open && { 'aria-controls': detailsId })} onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Show'}<span className="visually-hidden"> details of event {event.seq}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr id={detailsId} className="audit-details">
          <td colSpan={COLUMNS}>
            <div className="audit-json">
              <div>
                <h3>Before</h3>
                <pre className="mono">{JSON.stringify(event.before ?? null, null, 2)}</pre>
              </div>
              <div>
                <h3>After</h3>
                <pre className="mono">{JSON.stringify(event.after ?? null, null, 2)}</pre>
              </div>
              <div>
                <h3>Metadata</h3>
                <pre className="mono">{JSON.stringify(event.metadata, null, 2)}</pre>
              </div>
            </div>
            <p className="muted">
              Source {event.sourceIp ?? '—'} · {event.userAgent ?? 'no user agent'} · actor <span className="mono">{actorRef(event.actor)}</span>
              {event.target?.id && (
                <>
                  {' '}· target <span className="mono">{event.target.id}</span>
                </>
              )}
            </p>
          </td>
        </tr>
      )}
    </Fragment>
  );
}
