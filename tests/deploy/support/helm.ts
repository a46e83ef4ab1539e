import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

/** Root of the repository. */
export const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Folder of a chart under deploy/helm. */
export const chartDir = (chart: string) => path.join(ROOT, 'deploy/helm', chart);

/** The chart's CI values files (`deploy/helm/<chart>/ci/*.yaml`), absolute, sorted. */
export function ciValuesFiles(chart: string): string[] {
  const dir = path.join(chartDir(chart), 'ci');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
}

/** Outcome of one helm command: exit code and both output streams joined. */
export interface HelmResult {
  code: number;
  out: string;
}

let helmBin: string | undefined;

/**
 * Path of the pinned helm, from `scripts/ensure-helm.ts` (which builds it into
 * ~/.cache/gantry on first use, ~5 min on a 2-core machine, and prints its path).
 */
export function helmBinary(): string {
  helmBin ??= execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/ensure-helm.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return helmBin;
}

/** Runs the pinned helm with `args`; never throws on a non-zero exit. */
export async function helm(args: string[]): Promise<HelmResult> {
  const bin = helmBinary();
  try {
    const { stdout, stderr } = await run(bin, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A rendered Kubernetes object (only the fields the tests read are typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * `helm template <release> <chart> -n <namespace> -f <values>` parsed with the
 * `yaml` package into objects. Errors: when helm fails (its output is the message).
 */
export async function renderChart(chart: string, valuesFile: string, release = 'test', namespace = 'gantry'): Promise<K8sObject[]> {
  const r = await helm(['template', release, chartDir(chart), '--namespace', namespace, '--values', valuesFile]);
  if (r.code !== 0) throw new Error(`helm template ${chart} -f ${path.basename(valuesFile)} failed:\n${r.out}`);
  return parseAllDocuments(r.out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** The single object of `kind` (and `name` when given). Errors: none or several match. */
export function one(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

/**
 * The chart's templates/NOTES.txt rendered with a values file. `helm install
 * --dry-run=client` still dials a cluster, and `helm template` leaves NOTES out,
 * so a temporary copy of the chart renders the NOTES text (with `tpl`, the same
 * values and helpers) into a ConfigMap that `helm template` prints.
 */
export async function renderNotes(chart: string, valuesFile: string, release = 'test', namespace = 'gantry'): Promise<string> {
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'gantry-notes-')), chart);
  try {
    cpSync(chartDir(chart), copy, { recursive: true });
    cpSync(path.join(copy, 'templates/NOTES.txt'), path.join(copy, 'notes-under-test.txt'));
    writeFileSync(
      path.join(copy, 'templates/notes-under-test.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: notes-under-test }\ndata:\n  notes: {{ tpl (.Files.Get "notes-under-test.txt") . | quote }}\n',
    );
    const r = await helm(['template', release, copy, '--namespace', namespace, '--values', valuesFile, '--show-only', 'templates/notes-under-test.yaml']);
    if (r.code !== 0) throw new Error(`rendering NOTES.txt of ${chart} failed:\n${r.out}`);
    const cm = parseAllDocuments(r.out)[0]?.toJS() as { data: { notes: string } };
    return cm.data.notes;
  } finally {
    rmSync(path.dirname(copy), { recursive: true, force: true });
  }
}
