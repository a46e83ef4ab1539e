import type { AssetCheckEvaluationModel, AssetCheckModel, AssetModel, DeploymentModel, MaterializationModel } from '@gantry/db';
import type { JsonValue } from '../api/scalars/json.scalar';
import type { CodeLocationRecord } from './catalog.repository';
import type { Asset } from './models/asset.model';
import { type AssetCheck, type AssetCheckEvaluation, AssetCheckSeverity } from './models/asset-check.model';
import type { CodeLocation } from './models/code-location.model';
import type { Deployment } from './models/deployment.model';
import type { Materialization } from './models/materialization.model';
import { type PartitionsDefinition, PartitionsKind } from './models/partitions.model';
import { tagsFromJson } from './models/tag.model';
import { parsePartitions, type PartitionsSpec } from './partitions';

/** An asset model plus its parsed partitions (for `partitionKeys` and launch validation). */
export type AssetView = Asset & { partitionsSpec: PartitionsSpec | null };

export function toDeployment(row: DeploymentModel): Deployment {
  return { id: row.id, name: row.name, createdAt: row.createdAt };
}

export function toCodeLocation(row: CodeLocationRecord, deploymentName: string): CodeLocation {
  return {
    id: row.id,
    name: row.name,
    deployment: deploymentName,
    deploymentId: row.deploymentId,
    currentVersion: row.currentVersion?.version ?? null,
    digest: row.currentVersion?.digest ?? null,
    versionCreatedAt: row.currentVersion?.createdAt ?? null,
    updatedAt: row.updatedAt,
  };
}

function toPartitionsModel(spec: PartitionsSpec | null): PartitionsDefinition | null {
  if (!spec) return null;
  return spec.type === 'time'
    ? { kind: PartitionsKind.TIME, cron: spec.cron, start: spec.start, end: spec.end ?? null, keys: null }
    : { kind: PartitionsKind.STATIC, cron: null, start: null, end: null, keys: [...spec.keys] };
}

export function toAsset(row: AssetModel): AssetView {
  const partitionsSpec = parsePartitions(row.partitionsDefinition);
  return {
    id: row.id,
    key: row.key,
    keyPath: row.keyPath,
    group: row.groupName,
    owners: row.owners,
    tags: tagsFromJson(row.tags),
    kinds: row.kinds,
    description: row.description,
    codeVersion: row.codeVersion,
    partitionsDefinition: toPartitionsModel(partitionsSpec),
    partitionsSpec,
    active: row.active,
    updatedAt: row.updatedAt,
    deploymentId: row.deploymentId,
    codeLocationId: row.codeLocationId,
  };
}

export function toAssetCheck(row: AssetCheckModel): AssetCheck {
  return { name: row.name, description: row.description, blocking: row.blocking };
}

export function toMaterialization(row: MaterializationModel): Materialization {
  return {
    id: row.id,
    runId: row.runId,
    eventSeq: row.eventSeq,
    partitionKey: row.partitionKey,
    dataVersion: row.dataVersion,
    codeVersion: row.codeVersion,
    metadata: row.metadata as JsonValue,
    createdAt: row.createdAt,
  };
}

export function toCheckEvaluation(row: AssetCheckEvaluationModel): AssetCheckEvaluation {
  return {
    checkName: row.checkName,
    runId: row.runId,
    passed: row.passed,
    severity: row.severity === 'WARN' ? AssetCheckSeverity.WARN : AssetCheckSeverity.ERROR,
    metadata: row.metadata as JsonValue,
    createdAt: row.createdAt,
  };
}
