import { randomUUID } from 'node:crypto';
import { ForbiddenError } from '../auth/auth.errors';
import { covers } from '../rbac/authorize';
import { permissionOf } from '../rbac/permissions';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuditRecord } from '@gantry/db';
import { DomainError } from '../api/errors/domain-error';
import { InvalidArgumentError } from '../api/errors/api.errors';
import type { AuthContext } from '../auth/auth-context';
import { AuthService } from '../auth/auth.service';
import { LOGGER } from '../logging/logger';
import { parseAuditFilter, type AuditFilter, type AuditFilterArgs } from './audit-filter';
import { CSV_COLUMNS, toCsvRow, toExportObject } from './audit.mappers';
import { AuditService } from './audit.service';

/** The parts of Express's request the exports read (Express ships no types here). */
type Request = IncomingMessage & { params: Record<string, unknown>; query: unknown; ip?: string };
/** The parts of Express's response the exports use. */
type Response = ServerResponse & { status(code: number): Response; json(body: unknown): Response };

/** Query parameters the exports accept (the `auditEvents` filter fields). */
const FILTER_PARAMS = ['actor', 'action', 'targetType', 'targetId', 'from', 'to'] as const;

/** An HTTP answer decided before streaming starts. */
class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body['error']));
  }
}

/**
 * Streaming exports of an organization's audit log, newest first, with the
 * filters of `auditEvents` as query parameters (`actor`, `action`,
 * `targetType`, `targetId`, `from`, `to`):
 *
 * - `GET /api/orgs/:org/audit-events.ndjson`: one JSON object per line, the
 *   GraphQL `AuditEvent` shape (`application/x-ndjson`);
 * - `GET /api/orgs/:org/audit-events.csv`: a header row, then one row per event
 *   (columns {@link CSV_COLUMNS}; JSON columns as JSON text).
 *
 * Authenticated like GraphQL (`Authorization: Bearer …`, through AuthService).
 * Answers: 401 (with `WWW-Authenticate: Bearer`) without valid credentials;
 * 404 when `:org` is not the credential's organization (whether or not it
 * exists); 400 `{error, code: "INVALID_ARGUMENT", argument}` for a bad filter.
 */
@Controller('api/orgs/:org')
export class AuditExportController {
  private readonly log: Logger;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'audit-export' });
  }

  @Get('audit-events.ndjson')
  async ndjson(@Req() req: Request, @Res() res: Response): Promise<void> {
    const prepared = await this.prepare(req, res);
    if (!prepared) return;
    res.status(200).setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${prepared.slug}-audit-events.ndjson"`);
    await this.stream(res, Readable.from(this.lines(prepared.orgId, prepared.filter)));
  }

  @Get('audit-events.csv')
  async csv(@Req() req: Request, @Res() res: Response): Promise<void> {
    const prepared = await this.prepare(req, res);
    if (!prepared) return;
    res.status(200).setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${prepared.slug}-audit-events.csv"`);
    const rows = Readable.from(this.csvRows(prepared.orgId, prepared.filter));
    await this.stream(res, rows, stringify({ header: true, columns: [...CSV_COLUMNS] }));
  }

  private async *lines(orgId: string, filter: AuditFilter): AsyncGenerator<string> {
    for await (const r of this.audit.exportEvents(orgId, filter)) yield `${JSON.stringify(toExportObject(r))}\n`;
  }

  private async *csvRows(orgId: string, filter: AuditFilter): AsyncGenerator<ReturnType<typeof toCsvRow>> {
    for await (const r of this.audit.exportEvents(orgId, filter) as AsyncGenerator<AuditRecord>) yield toCsvRow(r);
  }

  /** Authenticates, checks the organization and parses the filter; answers the failure itself and resolves to undefined. */
  private async prepare(req: Request, res: Response): Promise<{ orgId: string; slug: string; filter: AuditFilter } | undefined> {
    try {
      let auth: AuthContext;
      // The path names the organization, as /orgs/<slug>/graphql does for GraphQL.
      if (typeof req.params['org'] === 'string') req.headers['x-gantry-organization'] = req.params['org'];
      try {
        auth = await this.auth.authenticate({ req });
      } catch (error) {
        // Not a member (or a token) of that organization: the same answer as for one that does not exist.
        if (error instanceof ForbiddenError) throw new HttpFailure(404, { error: `organization ${JSON.stringify(req.params['org'])} not found`, code: 'ORGANIZATION_NOT_FOUND' });
        res.setHeader('www-authenticate', 'Bearer');
        throw new HttpFailure(401, { error: 'unauthenticated', code: 'UNAUTHENTICATED' });
      }
      // authenticate() resolved the path's organization (the same lookup, normalized the same way) and refused any other.
      const slug = String(req.params['org']).trim().toLowerCase();
      // The export reads what Query.auditEvents reads, so it needs the same permission.
      const role = permissionOf('Query.auditEvents')?.role ?? 'OWNER';
      if (!covers(auth.grants, role, { kind: 'organization' })) {
        throw new HttpFailure(403, { error: `forbidden: exporting the audit log requires the role ${role} on the organization`, code: 'FORBIDDEN' });
      }
      return { orgId: auth.orgId, slug, filter: parseAuditFilter(filterArgs(req.query), '') };
    } catch (error) {
      if (error instanceof HttpFailure) res.status(error.status).json(error.body);
      else if (error instanceof InvalidArgumentError) res.status(400).json({ error: error.message, code: error.code, ...error.details });
      else if (error instanceof DomainError) res.status(400).json({ error: error.message, code: error.code });
      else {
        const logId = randomUUID();
        this.log.error({ err: error, logId }, 'audit export failed');
        res.status(500).json({ error: `internal error, logId=${logId}`, code: 'INTERNAL_SERVER_ERROR' });
      }
      return undefined;
    }
  }

  /** Pipes with backpressure; a failure after the first byte can only cut the response, and is logged. */
  private async stream(res: Response, source: Readable, transform?: Transform): Promise<void> {
    try {
      if (transform) await pipeline(source, transform, res);
      else await pipeline(source, res);
    } catch (err) {
      const logId = randomUUID();
      this.log.error({ err, logId }, 'audit export stream failed');
      res.destroy();
    }
  }
}

/**
 * The filter of a query string. Errors: InvalidArgumentError for a parameter
 * given twice or not a string.
 */
function filterArgs(query: unknown): AuditFilterArgs {
  const q = (query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const name of FILTER_PARAMS) {
    const v = q[name];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new InvalidArgumentError(name, 'must be given once, as a string');
    out[name] = v;
  }
  const unknown = Object.keys(q).filter((k) => !(FILTER_PARAMS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new InvalidArgumentError(unknown[0]!, `unknown parameter; use ${FILTER_PARAMS.join(', ')}`);
  return out;
}
