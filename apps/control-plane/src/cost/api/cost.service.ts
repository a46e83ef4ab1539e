import { Inject, Injectable } from '@nestjs/common';
import { COST_UNITS, fromNano, isCostUnit, toNano } from '@gantry/domain';
import { InvalidArgumentError } from '../../api/errors/api.errors';
import { actorRef, type AuthContext, type RequestOrigin } from '../../auth/auth-context';
import { ForbiddenError } from '../../auth/auth.errors';
import { auditWho } from '../../audit/audit-actor';
import { AuditLog } from '../../audit/audit-log.service';
import { covers } from '../../rbac/authorize';
import { AssetNotFoundError } from '../../catalog/catalog.errors';
import { CatalogService, normalizeAssetKey } from '../../catalog/catalog.service';
import { CostBudgetsRepository, type CostAlertRow, type CostBudgetRow } from './cost-budgets.repository';
import { CostQueriesRepository, MAX_BUCKETS, type CostWindow } from './cost-queries.repository';
import type { CreateCostBudgetInput } from './dto/create-cost-budget.input';
import type { AssetCost, CostBucket, MaterializationCost, PartitionCost } from './models/cost-bucket.model';
import type { CostAlert, CostBudget } from './models/cost-budget.model';
import { CostBudgetScopeEnum, type CostDimension, type CostGrain } from './models/cost-enums';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Longest window a query may span, days (about ten years). */
export const MAX_WINDOW_DAYS = 3700;
const MAX_LIMIT_USD = 1_000_000_000;

/** Parses a window of UTC days. Errors: InvalidArgumentError for malformed dates, from ≥ to, or a span over MAX_WINDOW_DAYS. */
export function parseWindow(from: string, to: string): CostWindow {
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
      throw new InvalidArgumentError(name, `expected a date YYYY-MM-DD (UTC), got ${JSON.stringify(value)}`);
    }
  }
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  if (days <= 0) throw new InvalidArgumentError('to', 'must be after from (the window is [from, to))');
  if (days > MAX_WINDOW_DAYS) throw new InvalidArgumentError('to', `the window spans ${days} days; at most ${MAX_WINDOW_DAYS}`);
  return { from, to };
}

function checkUnit(unit: string): string {
  if (!isCostUnit(unit)) throw new InvalidArgumentError('unit', `unknown unit ${JSON.stringify(unit)}; expected one of ${Object.keys(COST_UNITS).join(', ')}`);
  return unit;
}

const value = (decimal: string) => Number(decimal);

/**
 * Cost for the public API: breakdowns by asset, group, code location,
 * deployment or organization over a window and grain; top assets; one
 * asset's trend, per-materialization and per-partition cost; budgets and
 * their alerts. Every method starts from the caller's organization.
 */
@Injectable()
export class CostService {
  constructor(
    @Inject(CostQueriesRepository) private readonly queries: CostQueriesRepository,
    @Inject(CostBudgetsRepository) private readonly budgets: CostBudgetsRepository,
    @Inject(CatalogService) private readonly catalog: CatalogService,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  /**
   * The id of deployment `name`; null (every deployment) when no name is
   * given, which needs an organization-wide grant (the guard only checked the
   * default deployment). Errors: DEPLOYMENT_NOT_FOUND, FORBIDDEN.
   */
  private async deploymentId(auth: AuthContext, name: string | null | undefined): Promise<string | null> {
    if (name) return (await this.catalog.requireDeployment(auth.orgId, name)).id;
    if (!covers(auth.grants, 'VIEWER', { kind: 'organization' })) {
      throw new ForbiddenError('costs of every deployment require the role VIEWER on the organization; name a deployment', { requiredRole: 'VIEWER' });
    }
    return null;
  }

  private async assetId(auth: AuthContext, deployment: string, key: string): Promise<string> {
    const asset = await this.catalog.asset(auth, deployment, key);
    if (!asset) throw new AssetNotFoundError(deployment, [normalizeAssetKey(key)]);
    return asset.id;
  }

  /** Totals per key and bucket. Errors: INVALID_ARGUMENT (window, unit, more than 10,000 rows), DEPLOYMENT_NOT_FOUND. */
  async breakdown(auth: AuthContext, args: { dimension: CostDimension; from: string; to: string; grain: CostGrain; unit: string; deployment?: string | null }): Promise<CostBucket[]> {
    const w = parseWindow(args.from, args.to);
    const rows = await this.queries.breakdown(auth.orgId, args.dimension, args.grain, w, checkUnit(args.unit), await this.deploymentId(auth, args.deployment), null);
    if (rows.length > MAX_BUCKETS) throw new InvalidArgumentError('grain', `more than ${MAX_BUCKETS} buckets; narrow the window, coarsen the grain or pick a deployment`);
    return rows.map((r) => ({ key: r.key, deployment: r.deployment, periodStart: r.period_start, unit: r.unit, amount: r.amount, value: value(r.amount), measured: r.measured, priced: r.priced, reported: r.reported, records: r.records }));
  }

  /** The `first` assets with the highest total. Errors: INVALID_ARGUMENT (window, unit, first outside 1..500), DEPLOYMENT_NOT_FOUND. */
  async topAssets(auth: AuthContext, args: { from: string; to: string; first: number; unit: string; deployment?: string | null }): Promise<AssetCost[]> {
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > 500) throw new InvalidArgumentError('first', 'must be between 1 and 500');
    const w = parseWindow(args.from, args.to);
    const rows = await this.queries.topAssets(auth.orgId, w, checkUnit(args.unit), args.first, await this.deploymentId(auth, args.deployment));
    return rows.map((r) => ({ assetKey: r.asset_key, deployment: r.deployment, group: r.group_name, unit: args.unit, amount: r.amount, value: value(r.amount) }));
  }

  /** One asset's totals per bucket. Errors: ASSET_NOT_FOUND, DEPLOYMENT_NOT_FOUND, INVALID_ARGUMENT. */
  async assetTrend(auth: AuthContext, args: { deployment: string; key: string; from: string; to: string; grain: CostGrain; unit: string }): Promise<CostBucket[]> {
    const w = parseWindow(args.from, args.to);
    const assetId = await this.assetId(auth, args.deployment, args.key);
    const rows = await this.queries.breakdown(auth.orgId, 'ASSET' as CostDimension, args.grain, w, checkUnit(args.unit), null, assetId);
    return rows.map((r) => ({ key: r.key, deployment: r.deployment, periodStart: r.period_start, unit: r.unit, amount: r.amount, value: value(r.amount), measured: r.measured, priced: r.priced, reported: r.reported, records: r.records }));
  }

  /** The newest `first` materializations of an asset with their costs. Errors: ASSET_NOT_FOUND, INVALID_ARGUMENT (first outside 1..100). */
  async perMaterialization(auth: AuthContext, args: { deployment: string; key: string; first: number }): Promise<MaterializationCost[]> {
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > 100) throw new InvalidArgumentError('first', 'must be between 1 and 100');
    const rows = await this.queries.perMaterialization(auth.orgId, await this.assetId(auth, args.deployment, args.key), args.first);
    const out = new Map<string, MaterializationCost>();
    for (const r of rows) {
      const k = `${r.run_id}:${r.event_seq}`;
      let m = out.get(k);
      if (!m) out.set(k, (m = { runId: r.run_id, eventSeq: r.event_seq, partitionKey: r.partition_key, materializedAt: r.created_at, costs: [] }));
      if (r.unit && r.source && r.amount) m.costs.push({ unit: r.unit, source: r.source, amount: r.amount, value: value(r.amount) });
    }
    return [...out.values()];
  }

  /** An asset's totals per partition (all units unless one is given). Errors: ASSET_NOT_FOUND, INVALID_ARGUMENT. */
  async perPartition(auth: AuthContext, args: { deployment: string; key: string; from?: string | null; to?: string | null; unit?: string | null }): Promise<PartitionCost[]> {
    const w = args.from || args.to ? parseWindow(args.from ?? '1970-01-01', args.to ?? '9999-12-31') : null;
    const unit = args.unit ? checkUnit(args.unit) : null;
    const rows = await this.queries.perPartition(auth.orgId, await this.assetId(auth, args.deployment, args.key), w, unit);
    return rows.map((r) => ({ partitionKey: r.partition_key, unit: r.unit, amount: r.amount, value: value(r.amount), records: r.records }));
  }

  async listBudgets(auth: AuthContext, deployment: string | null | undefined): Promise<CostBudget[]> {
    return (await this.budgets.list(auth.orgId, await this.deploymentId(auth, deployment))).map(toBudget);
  }

  /**
   * Creates a budget. Errors: INVALID_ARGUMENT (empty or taken name, scope
   * without its assetKey/group or with the other's, limit outside
   * (0, 1e9] USD, a webhook URL that is not http(s)), DEPLOYMENT_NOT_FOUND,
   * ASSET_NOT_FOUND.
   */
  async createBudget(auth: AuthContext, input: CreateCostBudgetInput, origin?: RequestOrigin | null): Promise<CostBudget> {
    const name = input.name.trim();
    if (name === '' || name.length > 200) throw new InvalidArgumentError('name', 'must be 1 to 200 characters');
    if (!Number.isFinite(input.limitUsd) || input.limitUsd <= 0 || input.limitUsd > MAX_LIMIT_USD) throw new InvalidArgumentError('limitUsd', `must be > 0 and at most ${MAX_LIMIT_USD}`);
    let url: URL;
    try {
      url = new URL(input.webhookUrl);
    } catch {
      throw new InvalidArgumentError('webhookUrl', 'is not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidArgumentError('webhookUrl', 'must be http or https');
    const deployment = await this.catalog.requireDeployment(auth.orgId, input.deployment);
    let assetId: string | null = null;
    let groupName: string | null = null;
    if (input.scope === CostBudgetScopeEnum.ASSET) {
      if (!input.assetKey || input.group) throw new InvalidArgumentError('assetKey', 'scope ASSET needs assetKey (and no group)');
      assetId = await this.assetId(auth, input.deployment, input.assetKey);
    } else if (input.scope === CostBudgetScopeEnum.GROUP) {
      if (!input.group || input.assetKey) throw new InvalidArgumentError('group', 'scope GROUP needs group (and no assetKey)');
      groupName = input.group;
    } else if (input.assetKey || input.group) {
      throw new InvalidArgumentError('scope', 'scope DEPLOYMENT takes neither assetKey nor group');
    }
    const row = await this.budgets.create(auth.orgId, {
      name,
      deploymentId: deployment.id,
      scope: input.scope,
      assetId,
      groupName,
      period: input.period,
      limitUsd: fromNano(toNano(input.limitUsd)),
      webhookUrl: url.toString(),
      createdBy: actorRef(auth.actor),
    }, async (c, created) => {
      await this.audit.record(
        { ...auditWho(auth, origin), action: 'cost_budget.create', target: { type: 'cost_budget', id: created.id }, after: { name, deployment: input.deployment, scope: input.scope, assetKey: input.assetKey ?? null, group: groupName, period: input.period, limitUsd: created.limit_usd } },
        c,
      );
    });
    if (!row) throw new InvalidArgumentError('name', `a budget named ${JSON.stringify(name)} already exists`);
    return toBudget(row);
  }

  /** Deletes a budget and its alerts; false when unknown. */
  deleteBudget(auth: AuthContext, id: string, origin?: RequestOrigin | null): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(false);
    return this.budgets.delete(auth.orgId, id, async (c, before) => {
      await this.audit.record({ ...auditWho(auth, origin), action: 'cost_budget.delete', target: { type: 'cost_budget', id }, before, after: null }, c);
    });
  }

  async alerts(auth: AuthContext, first: number): Promise<CostAlert[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw new InvalidArgumentError('first', 'must be between 1 and 500');
    return (await this.budgets.alerts(auth.orgId, first)).map(toAlert);
  }
}

function toBudget(r: CostBudgetRow): CostBudget {
  return {
    id: r.id,
    name: r.name,
    deployment: r.deployment,
    scope: r.scope as CostBudgetScopeEnum,
    assetKey: r.asset_key,
    group: r.group_name,
    period: r.period as CostGrain,
    limitUsd: r.limit_usd,
    webhookUrl: r.webhook_url,
    createdAt: r.created_at,
  };
}

function toAlert(r: CostAlertRow): CostAlert {
  return {
    id: r.id,
    budgetId: r.budget_id,
    budgetName: r.budget_name,
    periodStart: r.period_start,
    thresholdPercent: r.threshold_percent,
    spentUsd: r.spent_usd,
    spentValue: value(r.spent_usd),
    limitUsd: r.limit_usd,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
    attempts: r.attempts,
    lastError: r.last_error,
  };
}
