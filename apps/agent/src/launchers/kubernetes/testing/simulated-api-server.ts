/**
 * A simulated Kubernetes API server for the Kubernetes launcher's tests (no
 * real API server can run here). In-process HTTP on 127.0.0.1 implementing
 * exactly what the launcher calls, in the shapes of the Kubernetes API
 * (batch/v1 Job, core/v1 Pod, meta/v1 Status and WatchEvent):
 *
 * - `POST/GET /apis/batch/v1/namespaces/{ns}/jobs` (list and `?watch=true`
 *   with `labelSelector` / `fieldSelector=metadata.name=…`),
 *   `GET/DELETE …/jobs/{name}` (`propagationPolicy`, `gracePeriodSeconds`);
 * - `GET /api/v1/namespaces/{ns}/pods` (list and `?watch=true`);
 * - `GET /api/v1/namespaces/{ns}/pods/{name}/log` (`follow=true` streams,
 *   `timestamps=true` RFC3339Nano prefixes, `sinceTime`).
 *
 * A simulated Job controller, scheduler and kubelet stand behind it: each Job
 * gets one pod; it is scheduled only when its nodeSelector matches
 * {@link SimulatedApiServer.nodeLabels}; its image "pulls" only when
 * registered in {@link SimulatedApiServer.images}; `envFrom` Secrets must be
 * in {@link SimulatedApiServer.secrets}; then the container's command runs as
 * a real local process (in the image's folder, with the container env) whose
 * stdout and stderr lines become the pod log, each stamped on arrival as the
 * kubelet does (test controls rotate the log and cut follow streams short).
 * `limits.memory` is enforced on the
 * process's resident set (OOMKilled), `activeDeadlineSeconds` fails the Job
 * with DeadlineExceeded, `ttlSecondsAfterFinished` deletes it. Anything else
 * is answered 404 and recorded in {@link SimulatedApiServer.unhandled}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type V1ContainerState, type V1Job, type V1ObjectMeta, type V1Pod } from '@kubernetes/client-node';

/** Any stored object; dates are `Date`s in the client's types and ISO strings once serialized. */
interface KubeObject {
  metadata?: V1ObjectMeta;
}

/** A local stand-in for a container image: where its command runs. */
export interface SimulatedImage {
  /** Working directory of the container's process. */
  cwd: string;
}

/** A recorded DELETE of a Job. */
export interface RecordedDelete {
  namespace: string;
  name: string;
  propagationPolicy: string | null;
  gracePeriodSeconds: number | null;
}

interface Watcher {
  kind: 'jobs' | 'pods';
  namespace: string;
  matches: (o: KubeObject) => boolean;
  res: ServerResponse;
}

/** One line of a container log: arrival time (RFC3339Nano, Go's trimmed form) and its bytes (with `\n`, except a final partial line). */
interface LogLine {
  ts: string;
  data: Buffer;
}

interface LogFollower {
  res: ServerResponse;
  timestamps: boolean;
}

interface Container {
  process?: ChildProcess;
  log: LogLine[];
  /** Lines before this index were rotated away: the log API no longer returns them. */
  rotatedUpTo: number;
  logFollowers: Set<LogFollower>;
  memoryTimer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
}

/** Store key of a namespaced object. */
const key = (namespace: string, name: string) => `${namespace}/${name}`;
const now = () => new Date();

/** An RFC3339Nano timestamp like the kubelet's (Go trims trailing zeros of the fraction); millisecond resolution here, so lines often share one. */
function logTimestamp(): string {
  const iso = new Date().toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

const formatLine = (line: LogLine, timestamps: boolean): Buffer => (timestamps ? Buffer.concat([Buffer.from(`${line.ts} `), line.data]) : line.data);

/** Sortable form of an RFC3339(Nano) timestamp. */
const sortKey = (ts: string) => {
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}` : ts;
};

/** Options of {@link startSimulatedApiServer}. */
export interface SimulatedApiServerOptions {
  /** Labels of the one simulated node (default `{"kubernetes.io/os": "linux"}`). */
  nodeLabels?: Record<string, string>;
  /** Time between SIGTERM and SIGKILL when a pod is deleted with the default grace, ms (default 2000). */
  terminationGraceMs?: number;
  /** Time between ErrImagePull and ImagePullBackOff, ms (default 200). */
  backOffMs?: number;
}

/** The simulated API server (see the file comment). */
export class SimulatedApiServer {
  /** `http://127.0.0.1:<port>`. */
  url = '';
  readonly images = new Map<string, SimulatedImage>();
  /** Secrets by `namespace/name`: their keys become env of containers that reference them in `envFrom`. */
  readonly secrets = new Map<string, Record<string, string>>();
  nodeLabels: Record<string, string>;
  readonly jobs = new Map<string, V1Job>();
  readonly pods = new Map<string, V1Pod>();
  readonly deletes: RecordedDelete[] = [];
  /** Every `METHOD path?query` served, in order. */
  readonly requests: string[] = [];
  /** Requests the simulation does not implement. */
  readonly unhandled: string[] = [];
  private readonly server: Server;
  private readonly watchers = new Set<Watcher>();
  private readonly containers = new Map<string, Container>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private resourceVersion = 1;

  constructor(private readonly options: SimulatedApiServerOptions = {}) {
    this.nodeLabels = options.nodeLabels ?? { 'kubernetes.io/os': 'linux' };
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.status(res, 500, 'InternalError', (error as Error).message));
    });
  }

  /** Listens on 127.0.0.1 on a free port. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A KubeConfig for this server (plain HTTP on loopback, so `skipTLSVerify`, as client-node requires for http:). */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'simulated', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'simulated', token: 'simulated-token' }],
      contexts: [{ name: 'simulated', cluster: 'simulated', user: 'simulated', namespace: 'default' }],
      currentContext: 'simulated',
    });
    return kc;
  }

  /** The pod of a Job (the one the simulated Job controller created). */
  podOf(jobName: string): V1Pod | undefined {
    return [...this.pods.values()].find((p) => p.metadata?.labels?.['job-name'] === jobName);
  }

  /** Everything the pod's container wrote so far. */
  podLog(podName: string, namespace = 'default'): string {
    return Buffer.concat((this.containers.get(key(namespace, podName))?.log ?? []).map((l) => l.data)).toString('utf8');
  }

  /** Log rotation: every line written so far leaves what the log API returns (the kubelet keeps serving only the current file). */
  rotateLog(podName: string, namespace = 'default'): void {
    const c = this.containers.get(key(namespace, podName));
    if (c) c.rotatedUpTo = c.log.length;
  }

  /** Ends every open `follow=true` log stream now, as an API server timeout or a proxy would. */
  cutLogStreams(): void {
    for (const c of this.containers.values()) {
      for (const f of c.logFollowers) f.res.end();
      c.logFollowers.clear();
    }
  }

  /** Deletes a pod as `kubectl delete pod` would (default grace: SIGTERM, then SIGKILL). */
  deletePod(podName: string, namespace = 'default'): void {
    this.deletePodObject(key(namespace, podName), false);
  }

  /** Stops every process and stream and closes the server. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.containers.values()) {
      if (c.memoryTimer) clearInterval(c.memoryTimer);
      if (c.killTimer) clearTimeout(c.killTimer);
      if (c.process && c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
      for (const f of c.logFollowers) f.res.end();
    }
    for (const w of this.watchers) w.res.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const parts = url.pathname.split('/').filter(Boolean);
    const q = url.searchParams;
    // /apis/batch/v1/namespaces/{ns}/jobs[/{name}]
    if (parts[0] === 'apis' && parts[1] === 'batch' && parts[2] === 'v1' && parts[3] === 'namespaces' && parts[5] === 'jobs') {
      const ns = parts[4]!;
      const name = parts[6];
      if (!name && req.method === 'POST') return this.createJob(ns, JSON.parse(await body(req)) as V1Job, res);
      if (!name && req.method === 'GET') return this.listOrWatch('jobs', ns, q, res);
      if (name && parts.length === 7 && req.method === 'GET') {
        const job = this.jobs.get(key(ns, name));
        return job ? this.json(res, 200, job) : this.status(res, 404, 'NotFound', `jobs.batch "${name}" not found`);
      }
      if (name && parts.length === 7 && req.method === 'DELETE') return this.deleteJob(ns, name, q, await body(req), res);
    }
    // /api/v1/namespaces/{ns}/pods[/{name}/log]
    if (parts[0] === 'api' && parts[1] === 'v1' && parts[2] === 'namespaces' && parts[4] === 'pods') {
      const ns = parts[3]!;
      if (parts.length === 5 && req.method === 'GET') return this.listOrWatch('pods', ns, q, res);
      if (parts.length === 7 && parts[6] === 'log' && req.method === 'GET') return this.podLogRequest(ns, parts[5]!, q, res);
    }
    this.unhandled.push(`${req.method} ${url.pathname}${url.search}`);
    this.status(res, 404, 'NotFound', `the simulated API server does not implement ${req.method} ${url.pathname}`);
  }

  private json(res: ServerResponse, code: number, value: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  }

  /** A meta/v1 Status error, as the API server sends it. */
  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    if (res.headersSent) return void res.end();
    this.json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  }

  private selector(q: URLSearchParams): ((o: KubeObject) => boolean) | string {
    const tests: ((o: KubeObject) => boolean)[] = [];
    for (const term of (q.get('labelSelector') ?? '').split(',').filter(Boolean)) {
      const m = /^([^=!]+)==?([^=]*)$/.exec(term);
      if (!m) return `unsupported labelSelector term ${JSON.stringify(term)}`;
      const [, k, v] = m;
      tests.push((o) => o.metadata?.labels?.[k!] === v);
    }
    for (const term of (q.get('fieldSelector') ?? '').split(',').filter(Boolean)) {
      const m = /^metadata\.name==?(.*)$/.exec(term);
      if (!m) return `unsupported fieldSelector term ${JSON.stringify(term)}`;
      tests.push((o) => o.metadata?.name === m[1]);
    }
    return (o) => tests.every((t) => t(o));
  }

  private listOrWatch(kind: 'jobs' | 'pods', namespace: string, q: URLSearchParams, res: ServerResponse): void {
    const matches = this.selector(q);
    if (typeof matches === 'string') return this.status(res, 400, 'BadRequest', matches);
    const store: Map<string, KubeObject> = kind === 'jobs' ? this.jobs : this.pods;
    const items = [...store.values()].filter((o) => o.metadata?.namespace === namespace && matches(o));
    if (q.get('watch') !== 'true') {
      return this.json(res, 200, { apiVersion: kind === 'jobs' ? 'batch/v1' : 'v1', kind: kind === 'jobs' ? 'JobList' : 'PodList', metadata: { resourceVersion: String(this.resourceVersion) }, items });
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // Without a resourceVersion a watch starts with the current objects as ADDED, as the real API server does.
    for (const o of items) res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
    const watcher: Watcher = { kind, namespace, matches, res };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }

  private notify(kind: 'jobs' | 'pods', type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KubeObject): void {
    const meta = o.metadata!;
    meta.resourceVersion = String(++this.resourceVersion);
    for (const w of this.watchers) {
      if (w.kind === kind && w.namespace === meta.namespace && w.matches(o)) w.res.write(`${JSON.stringify({ type, object: o })}\n`);
    }
  }

  // ---- Job controller ----

  private createJob(namespace: string, job: V1Job, res: ServerResponse): void {
    const name = job.metadata?.name;
    if (!name) return this.status(res, 422, 'Invalid', 'Job.batch is invalid: metadata.name: Required value');
    if (this.jobs.has(key(namespace, name))) return this.status(res, 409, 'AlreadyExists', `jobs.batch "${name}" already exists`);
    const uid = randomUUID();
    job.metadata = { ...job.metadata, namespace, uid, creationTimestamp: now(), generation: 1 };
    job.status = {};
    this.jobs.set(key(namespace, name), job);
    this.notify('jobs', 'ADDED', job);
    this.json(res, 201, job);
    this.later(10, () => this.createPod(job, namespace, name));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private jobExists(job: V1Job): boolean {
    return this.jobs.get(key(job.metadata!.namespace!, job.metadata!.name!)) === job;
  }

  private updateJob(job: V1Job, status: V1Job['status']): void {
    if (!this.jobExists(job)) return;
    job.status = { ...job.status, ...status };
    this.notify('jobs', 'MODIFIED', job);
  }

  private finishJob(job: V1Job, type: 'Complete' | 'Failed', reason: string, message: string): void {
    if (job.status?.conditions?.some((c) => c.type === 'Complete' || c.type === 'Failed')) return;
    const t = now();
    this.updateJob(job, {
      active: 0,
      ...(type === 'Complete' ? { succeeded: 1, completionTime: t } : { failed: 1 }),
      conditions: [{ type, status: 'True', reason, message, lastProbeTime: t, lastTransitionTime: t }],
    });
    const ttl = job.spec?.ttlSecondsAfterFinished;
    if (typeof ttl === 'number') this.later(ttl * 1000, () => this.deleteJobObject(job.metadata!.namespace!, job.metadata!.name!, 'Background', null));
  }

  private deleteJob(namespace: string, name: string, q: URLSearchParams, text: string, res: ServerResponse): void {
    const job = this.jobs.get(key(namespace, name));
    if (!job) return this.status(res, 404, 'NotFound', `jobs.batch "${name}" not found`);
    const options = text ? (JSON.parse(text) as { propagationPolicy?: string; gracePeriodSeconds?: number }) : {};
    const propagationPolicy = q.get('propagationPolicy') ?? options.propagationPolicy ?? null;
    const graceText = q.get('gracePeriodSeconds') ?? options.gracePeriodSeconds?.toString();
    const gracePeriodSeconds = graceText === undefined ? null : Number(graceText);
    this.deletes.push({ namespace, name, propagationPolicy, gracePeriodSeconds });
    this.json(res, 200, job);
    this.deleteJobObject(namespace, name, propagationPolicy, gracePeriodSeconds);
  }

  private deleteJobObject(namespace: string, name: string, propagationPolicy: string | null, gracePeriodSeconds: number | null): void {
    const job = this.jobs.get(key(namespace, name));
    const meta = job?.metadata;
    if (!job || !meta || meta.deletionTimestamp) return;
    const podKeys = [...this.pods.entries()].filter(([, p]) => p.metadata?.labels?.['job-name'] === name && p.metadata.namespace === namespace).map(([k]) => k);
    const removeJob = () => {
      this.jobs.delete(key(namespace, name));
      this.notify('jobs', 'DELETED', job);
    };
    if (propagationPolicy === 'Foreground') {
      // Foreground: the Job stays (with a deletionTimestamp and the foregroundDeletion finalizer) until its pods are gone.
      meta.deletionTimestamp = now();
      meta.finalizers = ['foregroundDeletion'];
      this.notify('jobs', 'MODIFIED', job);
      let left = podKeys.length;
      if (left === 0) return removeJob();
      for (const k of podKeys) {
        this.deletePodObject(k, gracePeriodSeconds === 0, () => {
          left -= 1;
          if (left === 0) removeJob();
        });
      }
      return;
    }
    removeJob();
    if (propagationPolicy !== 'Orphan') for (const k of podKeys) this.deletePodObject(k, gracePeriodSeconds === 0);
  }

  // ---- scheduler and kubelet ----

  private createPod(job: V1Job, namespace: string, jobName: string): void {
    if (!this.jobExists(job) || job.metadata?.deletionTimestamp) return;
    const template = job.spec!.template;
    const uid = job.metadata!.uid!;
    const name = `${jobName}-${randomBytes(3).toString('hex').slice(0, 5)}`;
    const pod: V1Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        uid: randomUUID(),
        creationTimestamp: now(),
        labels: { ...template.metadata?.labels, 'job-name': jobName, 'batch.kubernetes.io/job-name': jobName, 'controller-uid': uid },
        annotations: { ...template.metadata?.annotations },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid, controller: true }],
      },
      spec: { ...template.spec!, nodeName: undefined },
      status: { phase: 'Pending', conditions: [] },
    };
    const k = key(namespace, name);
    this.pods.set(k, pod);
    this.containers.set(k, { log: [], rotatedUpTo: 0, logFollowers: new Set() });
    this.notify('pods', 'ADDED', pod);
    this.updateJob(job, { active: 1, startTime: now() });
    const deadline = job.spec?.activeDeadlineSeconds;
    if (typeof deadline === 'number') this.later(deadline * 1000, () => this.deadlineExceeded(job, k));
    this.later(10, () => this.schedule(job, k));
  }

  private schedule(job: V1Job, k: string): void {
    const pod = this.pods.get(k);
    if (!pod?.spec || !pod.status) return;
    const selector = pod.spec.nodeSelector ?? {};
    const fits = Object.entries(selector).every(([label, value]) => this.nodeLabels[label] === value);
    const t = now();
    if (!fits) {
      pod.status.conditions = [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
          lastTransitionTime: t,
        },
      ];
      this.notify('pods', 'MODIFIED', pod);
      return;
    }
    pod.spec.nodeName = 'simulated-node';
    pod.status.conditions = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: t }];
    const container = pod.spec.containers[0]!;
    pod.status.containerStatuses = [{ name: container.name, image: container.image ?? '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }];
    this.notify('pods', 'MODIFIED', pod);
    this.later(10, () => this.pullAndStart(job, k));
  }

  private setContainerState(pod: V1Pod, state: V1ContainerState, phase?: string): void {
    pod.status!.containerStatuses![0]!.state = state;
    if (phase) pod.status!.phase = phase;
    this.notify('pods', 'MODIFIED', pod);
  }

  private pullAndStart(job: V1Job, k: string): void {
    const pod = this.pods.get(k);
    if (!pod?.spec || pod.metadata?.deletionTimestamp) return;
    const namespace = pod.metadata!.namespace!;
    const container = pod.spec.containers[0]!;
    const ref = container.image ?? '';
    const image = this.images.get(ref);
    if (!image) {
      this.setContainerState(pod, {
        waiting: { reason: 'ErrImagePull', message: `failed to pull and unpack image "docker.io/library/${ref}": failed to resolve reference "docker.io/library/${ref}": pull access denied, repository does not exist or may require authorization` },
      });
      this.later(this.options.backOffMs ?? 200, () => {
        if (this.pods.get(k) === pod) this.setContainerState(pod, { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${ref}"` } });
      });
      return;
    }
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/' };
    for (const source of container.envFrom ?? []) {
      const secretName = source.secretRef?.name ?? '';
      const secret = this.secrets.get(key(namespace, secretName));
      if (!secret) return this.setContainerState(pod, { waiting: { reason: 'CreateContainerConfigError', message: `secret "${secretName}" not found` } });
      Object.assign(env, secret);
    }
    for (const e of container.env ?? []) env[e.name] = e.value ?? '';
    const [file, ...args] = container.command ?? [];
    const child = spawn(file!, args, { cwd: image.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const state = this.containers.get(k)!;
    state.process = child;
    const pending = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
    const writeLine = (data: Buffer) => {
      const line: LogLine = { ts: logTimestamp(), data };
      state.log.push(line);
      for (const f of state.logFollowers) f.res.write(formatLine(line, f.timestamps));
    };
    // The kubelet stamps and stores output line by line, stdout and stderr interleaved.
    const append = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      let buf = Buffer.concat([pending[stream], chunk]);
      for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a)) {
        writeLine(Buffer.from(buf.subarray(0, nl + 1)));
        buf = buf.subarray(nl + 1);
      }
      pending[stream] = Buffer.from(buf);
    };
    child.stdout.on('data', append('stdout'));
    child.stderr.on('data', append('stderr'));
    let oom = false;
    const limit = parseQuantity(container.resources?.limits?.['memory']);
    if (limit !== undefined) {
      state.memoryTimer = setInterval(() => {
        if (child.pid !== undefined && residentBytes(child.pid) > limit) {
          oom = true;
          child.kill('SIGKILL');
        }
      }, 25);
    }
    const startedAt = now();
    child.on('spawn', () => {
      pod.status!.phase = 'Running';
      this.setContainerState(pod, { running: { startedAt } });
    });
    child.on('error', (error) => writeLine(Buffer.from(`exec failed: ${error.message}\n`)));
    child.on('close', (code, signal) => {
      if (state.memoryTimer) clearInterval(state.memoryTimer);
      if (state.killTimer) clearTimeout(state.killTimer);
      for (const stream of ['stdout', 'stderr'] as const) if (pending[stream].length > 0) writeLine(pending[stream]);
      const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 1);
      const reason = oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
      if (this.pods.get(k) === pod) this.setContainerState(pod, { terminated: { exitCode, reason, startedAt, finishedAt: now() } }, exitCode === 0 ? 'Succeeded' : 'Failed');
      for (const f of state.logFollowers) f.res.end();
      state.logFollowers.clear();
      if (exitCode === 0) this.finishJob(job, 'Complete', 'Completed', 'Reached expected number of succeeded pods');
      else this.finishJob(job, 'Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
      this.afterTermination.get(k)?.();
    });
  }

  private readonly afterTermination = new Map<string, () => void>();

  private deadlineExceeded(job: V1Job, k: string): void {
    if (!this.jobExists(job)) return;
    if (job.status?.conditions?.some((c) => c.type === 'Complete' || c.type === 'Failed')) return;
    this.finishJob(job, 'Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline');
    if (this.pods.has(k)) this.deletePodObject(k, false);
  }

  /** Graceful pod deletion: deletionTimestamp, SIGTERM, SIGKILL after the grace period, then the pod object goes. */
  private deletePodObject(k: string, force: boolean, gone?: () => void): void {
    const pod = this.pods.get(k);
    if (!pod) return void gone?.();
    const state = this.containers.get(k);
    const remove = () => {
      if (!this.pods.has(k)) return;
      this.pods.delete(k);
      this.afterTermination.delete(k);
      for (const f of state?.logFollowers ?? []) f.res.end();
      this.notify('pods', 'DELETED', pod);
      gone?.();
    };
    const meta = pod.metadata!;
    if (!meta.deletionTimestamp) {
      meta.deletionTimestamp = now();
      meta.deletionGracePeriodSeconds = force ? 0 : 30;
      this.notify('pods', 'MODIFIED', pod);
    }
    const child = state?.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.later(10, remove);
    this.afterTermination.set(k, () => this.later(10, remove));
    child.kill(force ? 'SIGKILL' : 'SIGTERM');
    if (!force && state) state.killTimer = setTimeout(() => child.kill('SIGKILL'), this.options.terminationGraceMs ?? 2000);
  }

  private podLogRequest(namespace: string, name: string, q: URLSearchParams, res: ServerResponse): void {
    const k = key(namespace, name);
    const pod = this.pods.get(k);
    if (!pod) return this.status(res, 404, 'NotFound', `pods "${name}" not found`);
    const wanted = q.get('container');
    if (wanted && !pod.spec?.containers.some((c) => c.name === wanted)) return this.status(res, 400, 'BadRequest', `container ${wanted} is not valid for pod ${name}`);
    const state = pod.status?.containerStatuses?.[0]?.state;
    if (!state || state.waiting) {
      return this.status(res, 400, 'BadRequest', `container "${wanted ?? 'run'}" in pod "${name}" is waiting to start: ${state?.waiting?.reason ?? 'PodInitializing'}`);
    }
    const container = this.containers.get(k)!;
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    const timestamps = q.get('timestamps') === 'true';
    const since = q.get('sinceTime');
    if (since !== null && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(since)) return this.status(res, 400, 'BadRequest', `sinceTime ${JSON.stringify(since)} is not RFC3339`);
    for (const line of container.log.slice(container.rotatedUpTo)) {
      if (since === null || sortKey(line.ts) >= sortKey(since)) res.write(formatLine(line, timestamps));
    }
    if (q.get('follow') !== 'true' || state.terminated) return void res.end();
    const follower: LogFollower = { res, timestamps };
    container.logFollowers.add(follower);
    res.on('close', () => container.logFollowers.delete(follower));
  }
}

/** Starts a {@link SimulatedApiServer} on 127.0.0.1. */
export async function startSimulatedApiServer(options: SimulatedApiServerOptions = {}): Promise<SimulatedApiServer> {
  const server = new SimulatedApiServer(options);
  await server.listen();
  return server;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

const UNITS: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9, '': 1 };

/** Bytes of a memory quantity (`128Mi`, `1G`, `500000`); undefined when absent. */
function parseQuantity(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(q);
  if (!m) throw new Error(`the simulated kubelet cannot read the memory quantity ${JSON.stringify(q)}`);
  return Number(m[1]) * UNITS[m[2] ?? '']!;
}

/** Resident set of a process (Linux /proc), bytes; 0 when it is gone. */
function residentBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
