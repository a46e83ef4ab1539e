import { Inject, Injectable } from '@nestjs/common';
import { SpanStatusCode } from '@opentelemetry/api';
import { gantryTracer } from '@gantry/telemetry';
import type { RunStatus } from '@gantry/domain';
import { InvalidArgumentError, InvalidCursorError } from '../api/errors/api.errors';
import { DomainError } from '../api/errors/domain-error';
import { decodeTimeIdCursor, encodeTimeIdCursor, isUuid, pageSize } from '../api/pagination/cursor';
import { toConnection, type ConnectionShape } from '../api/pagination/connection';
import { actorRef, type AuthContext } from '../auth/auth-context';
import { ForbiddenError } from '../auth/auth.errors';
import { covers } from '../rbac/authorize';
import { CatalogService, normalizeAssetKey } from '../catalog/catalog.service';
import type { LaunchRunInput } from './dto/launch-run.input';
import type { Run } from './models/run.model';
import { planCancel, resolveRunPartition } from './run-rules';
import { CodeLocationNotReadyError, RunAlreadyFinishedError, RunNotFoundError, RunSpansCodeLocationsError } from './runs.errors';
import { toRun } from './runs.mappers';
import { RunsRepository } from './runs.repository';
import { currentTraceparent } from './traceparent';

/** Most tags a run may carry. */
export const MAX_RUN_TAGS = 50;

/** Filters of {@link RunsService.list}. */
export interface RunsQuery {
  deployment: string;
  statuses?: readonly RunStatus[] | null;
  assetKey?: string | null;
  first: number;
  after?: string | null;
}

/** Decodes an event cursor (a seq in decimal). Errors: InvalidCursorError. */
export function decodeEventCursor(cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined || cursor === '') return 0;
  if (!/^\d{1,9}$/.test(cursor)) throw new InvalidCursorError(cursor);
  return Number(cursor);
}

/** Runs for the public API: read, launch, cancel. Every method starts from the caller's organization. */
@Injectable()
export class RunsService {
  constructor(
    @Inject(RunsRepository) private readonly repo: RunsRepository,
    @Inject(CatalogService) private readonly catalog: CatalogService,
  ) {}

  /** A run of the caller's organization, or null (also for ids that are not UUIDs). */
  async get(auth: AuthContext, id: string): Promise<Run | null> {
    if (!isUuid(id)) return null;
    const row = await this.repo.findById(auth.orgId, id);
    return row ? toRun(row) : null;
  }

  /** A run of the caller's organization. Errors: RunNotFoundError. */
  async require(auth: AuthContext, id: string): Promise<Run> {
    const run = await this.get(auth, id);
    if (!run) throw new RunNotFoundError(id);
    return run;
  }

  /** Runs of a deployment, newest first. Errors: DEPLOYMENT_NOT_FOUND, INVALID_CURSOR, INVALID_ARGUMENT. */
  async list(auth: AuthContext, query: RunsQuery): Promise<ConnectionShape<Run>> {
    const limit = pageSize(query.first);
    const cursor = query.after ? decodeTimeIdCursor('run', query.after) : null;
    const assetKey = query.assetKey ? normalizeAssetKey(query.assetKey, 'assetKey') : null;
    const deployment = await this.catalog.requireDeployment(auth.orgId, query.deployment);
    const rows = await this.repo.list(auth.orgId, { deploymentId: deployment.id, statuses: query.statuses, assetKey }, limit + 1, cursor);
    return toConnection(rows, limit, (r) => encodeTimeIdCursor('run', r.createdAt, r.id), toRun);
  }

  /**
   * Queues a run of the selected assets at their code location's current
   * version, inside a `graphql.launchRun` span whose traceparent the run
   * carries; dispatch is woken by the NOTIFY sent on commit.
   * Errors: DEPLOYMENT_NOT_FOUND, ASSET_NOT_FOUND, RUN_SPANS_CODE_LOCATIONS,
   * PARTITION_INVALID, CODE_LOCATION_NOT_READY, INVALID_ARGUMENT.
   */
  launch(auth: AuthContext, input: LaunchRunInput): Promise<Run> {
    // The span of the launch: the run's traceparent, so dispatch, agent and customer code join its trace.
    return gantryTracer().startActiveSpan('graphql.launchRun', async (span) => {
      try {
        const run = await this.launchInSpan(auth, input);
        span.setAttribute('gantry.run_id', run.id);
        return run;
      } catch (error) {
        if (error instanceof DomainError) span.setAttribute('gantry.error_code', error.code);
        else span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.setAttribute('gantry.org_id', auth.orgId);
        span.end();
      }
    });
  }

  private async launchInSpan(auth: AuthContext, input: LaunchRunInput): Promise<Run> {
    const tags = validateTags(input.tags ?? []);
    const selection = await this.catalog.launchSelection(auth.orgId, input.deployment, input.assetKeys);
    if (selection.codeLocations.length !== 1) throw new RunSpansCodeLocationsError(selection.codeLocations.map((c) => c.name).sort());
    const location = selection.codeLocations[0]!;
    // The guard let code-location grants through for the deployment; now the location is known.
    if (!covers(auth.grants, 'LAUNCHER', { kind: 'code_location', deploymentId: selection.deployment.id, codeLocationId: location.id })) {
      throw new ForbiddenError(`launchRun requires the role LAUNCHER on code location ${JSON.stringify(location.name)}`, { requiredRole: 'LAUNCHER' });
    }
    const partition = resolveRunPartition(selection.assets, input.partitionKey, input.partitionRange);
    if (!location.currentVersion) throw new CodeLocationNotReadyError(location.name);
    const row = await this.repo.insertQueued(auth.orgId, {
      deploymentId: selection.deployment.id,
      codeLocationId: location.id,
      codeLocationVersion: location.currentVersion.version,
      assetKeys: selection.assets.map((a) => a.key),
      ...partition,
      tags,
      traceparent: currentTraceparent() ?? null,
      launchedBy: actorRef(auth.actor),
    });
    return toRun(row);
  }

  /**
   * Cancels a run: QUEUED → CANCELED; STARTING/STARTED → CANCELING and the
   * agent is notified; CANCELING stays (agent notified again).
   * Errors: RUN_NOT_FOUND, RUN_ALREADY_FINISHED.
   */
  async cancel(auth: AuthContext, id: string): Promise<Run> {
    if (!isUuid(id)) throw new RunNotFoundError(id);
    const outcome = await this.repo.cancel(auth.orgId, id, planCancel);
    switch (outcome.kind) {
      case 'not_found':
        throw new RunNotFoundError(id);
      case 'refused':
        throw new RunAlreadyFinishedError(id, outcome.status);
      case 'done':
        return toRun(outcome.run);
    }
  }
}

function validateTags(tags: readonly { key: string; value: string }[]): Record<string, string> {
  if (tags.length > MAX_RUN_TAGS) throw new InvalidArgumentError('tags', `at most ${MAX_RUN_TAGS} tags`);
  const out: Record<string, string> = {};
  for (const { key, value } of tags) {
    if (!key.trim() || key.length > 255) throw new InvalidArgumentError('tags', 'tag keys are 1 to 255 characters');
    if (value.length > 4096) throw new InvalidArgumentError('tags', `the value of tag ${key} is longer than 4096 characters`);
    if (key in out) throw new InvalidArgumentError('tags', `tag ${key} is given twice`);
    out[key] = value;
  }
  return out;
}
