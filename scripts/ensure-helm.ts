/**
 * Provides a real `helm` binary of a pinned version for the chart tests.
 *
 * No helm release archive can be downloaded here (no vendor CDN), but the Go
 * module proxy is reachable, so helm is built from source with
 * `go install helm.sh/helm/v3/cmd/helm@<HELM_VERSION>` into a cache outside the
 * repository (`$GANTRY_CACHE_DIR`, else `$XDG_CACHE_HOME/gantry`, else
 * `~/.cache/gantry`), once: later calls return the cached binary at once.
 * Concurrent callers (test files run in parallel) wait on one lock file instead
 * of building twice.
 *
 * CLI: `npm run ensure:helm` prints the binary's path.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The helm release the charts are checked with. Changing it builds the new version next to the old one. */
export const HELM_VERSION = 'v3.21.4';
/**
 * Kubernetes version helm assumes for `.Capabilities` and lint when no cluster is reachable: helm's own Makefile
 * sets it from the client-go it is built with (v0.36 for helm v3.21.4).
 */
const K8S_VERSION = { major: '1', minor: '36' };
/** A lock older than this is a crashed build's leftover and is taken over. */
const STALE_LOCK_MS = 30 * 60_000;

/** Folder for tools cached outside the repository. */
export function gantryCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['GANTRY_CACHE_DIR']) return env['GANTRY_CACHE_DIR'];
  return path.join(env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache'), 'gantry');
}

/** Path of the pinned helm binary in the cache (it may not exist yet). */
export function helmPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(gantryCacheDir(env), `helm-${HELM_VERSION}`, 'bin', 'helm');
}

function findGo(): string {
  for (const candidate of [process.env['GO'], '/usr/local/go/bin/go']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('helm is missing and cannot be built: no `go` on PATH or at /usr/local/go/bin/go (set GO=/path/to/go)');
  }
}

function build(target: string, log: (line: string) => void): void {
  const go = findGo();
  const binDir = path.dirname(target);
  mkdirSync(binDir, { recursive: true });
  // Build into a private folder and rename: a half-written binary is never visible at `target`.
  const staging = mkdtempSync(path.join(binDir, '.build-'));
  const ldflags = [
    '-s -w',
    `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`,
    `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${K8S_VERSION.major}`,
    `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${K8S_VERSION.minor}`,
    `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${K8S_VERSION.major}`,
    `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${K8S_VERSION.minor}`,
  ].join(' ');
  const started = Date.now();
  log(`gantry: building helm ${HELM_VERSION} from the Go module proxy (once, into ${binDir})…`);
  try {
    execFileSync(go, ['install', '-trimpath', `-ldflags=${ldflags}`, `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local' },
    });
    renameSync(path.join(staging, 'helm'), target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`gantry: helm ${HELM_VERSION} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Returns the path of the pinned helm binary, building it first when it is not
 * in the cache. Blocks while another process builds it. Errors: when `go` is
 * missing or the build fails (the Go toolchain's output explains why).
 */
export function ensureHelm(log: (line: string) => void = (line) => console.error(line)): string {
  const target = helmPath();
  if (existsSync(target)) return target;
  mkdirSync(path.dirname(target), { recursive: true });
  const lock = `${target}.lock`;
  for (;;) {
    if (existsSync(target)) return target;
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch {
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
      else sleep(1000);
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
      if (!existsSync(target)) build(target, log);
      return target;
    } finally {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ensureHelm());
}
