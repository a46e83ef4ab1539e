import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureKeycloakDistribution, findKeycloakJavaHome, type KeycloakDistributionOptions } from './keycloak-distribution';

/** Credentials of the bootstrap admin of the `master` realm. `password` is a secret: never log it. */
export interface KeycloakAdminCredentials {
  username: string;
  password: string;
}

/** A Keycloak server started by {@link startKeycloak}. */
export interface RunningKeycloak {
  /** Base URL, e.g. `http://127.0.0.1:43121`; realms live at `${url}/realms/<name>`. */
  url: string;
  admin: KeycloakAdminCredentials;
  /** Milliseconds from spawning `kc.sh` to the first answer of the master realm's discovery document. */
  startupMs: number;
  /** The server's own log file (stdout and stderr of `kc.sh`). */
  logFile: string;
  /** Stops the server (SIGTERM, SIGKILL after 20 s) and deletes its database folder. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startKeycloak}. */
export interface StartKeycloakOptions extends KeycloakDistributionOptions {
  /** JDK home (Java 21+). Default: the newest `/usr/lib/jvm/temurin-<N>` with N >= 21, else `JAVA_HOME`. */
  javaHome?: string;
  /** Longest wait for readiness, ms. Default 300000 (the first start also builds Keycloak, ~2 min on 2 cores). */
  readyTimeoutMs?: number;
}

/** A free TCP port on 127.0.0.1 (released before returning, so a race is possible but unlikely). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Launch parameters of one `kc.sh start-dev` process. */
interface Launch {
  home: string;
  javaHome: string;
  admin: KeycloakAdminCredentials;
  /** H2 files (`keycloakdb.*`) to start from; none: a fresh database whose master realm gets `admin` as bootstrap admin. */
  seedDir?: string;
  readyTimeoutMs: number;
}

/** Default of {@link StartKeycloakOptions.readyTimeoutMs}, ms. */
const READY_TIMEOUT_MS = 300_000;

/**
 * Starts Keycloak in development mode (`kc.sh start-dev`) on a free loopback
 * port with an H2 database in a fresh temporary folder, and resolves once the
 * master realm answers. The database starts as a copy of a seed kept beside
 * the distribution (`<cacheDir>/keycloak-<version>-seed`: an initialized schema
 * and master realm, which saves Keycloak ~20 s of Liquibase and realm setup on
 * every start). The seed is made on first use by one extra start with a random
 * bootstrap admin password passed through the environment (never on the
 * command line, so it does not show in `ps`); that password is kept in the
 * seed's `admin.json` (mode 0600), as this server only ever serves tests on
 * 127.0.0.1. The JVM runs with the C1 compiler only (`-XX:TieredStopAtLevel=1`):
 * half the CPU at startup on a shared machine.
 * Errors: rejects when the distribution cannot be fetched, Java 21+ is missing,
 * the process exits early or readiness times out (with the tail of its log).
 */
export async function startKeycloak(options: StartKeycloakOptions = {}): Promise<RunningKeycloak> {
  const home = await ensureKeycloakDistribution(options);
  const javaHome = options.javaHome ?? findKeycloakJavaHome(process.env['JAVA_HOME']);
  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const seedDir = `${home}-seed`;
  const adminFile = path.join(seedDir, 'admin.json');
  if (!existsSync(adminFile)) await withLock(`${seedDir}.lock`, () => (existsSync(adminFile) ? Promise.resolve() : makeSeed(home, javaHome, seedDir, readyTimeoutMs, options.log)));
  const admin = JSON.parse(readFileSync(adminFile, 'utf8')) as KeycloakAdminCredentials;
  const { url, startupMs, logFile, stop } = await launch({ home, javaHome, admin, seedDir, readyTimeoutMs });
  return { url, admin, startupMs, logFile, stop };
}

/**
 * Makes the seed database: one start on a fresh database (which also runs
 * Keycloak's build step in the distribution folder on its first start), a
 * clean stop, and a copy of the H2 files and the admin credentials into
 * `seedDir` (renamed into place, so readers never see half a seed).
 */
async function makeSeed(home: string, javaHome: string, seedDir: string, readyTimeoutMs: number, log: ((line: string) => void) | undefined): Promise<void> {
  const adminFile = path.join(seedDir, 'admin.json');
  const started = Date.now();
  log?.(`initializing the seed database ${seedDir} (once per Keycloak version)`);
  const admin = { username: 'gantry-test-admin', password: randomBytes(24).toString('base64url') };
  const first = await launch({ home, javaHome, admin, readyTimeoutMs });
  const dataDir = await first.halt();
  const staging = mkdtempSync(`${seedDir}-tmp-`);
  try {
    for (const f of readdirSync(dataDir)) if (/^keycloakdb\..*\.db$/.test(f) && !f.endsWith('.lock.db') && !f.endsWith('.trace.db')) copyFileSync(path.join(dataDir, f), path.join(staging, f));
    writeFileSync(path.join(staging, 'admin.json'), JSON.stringify(admin), { mode: 0o600 });
    try {
      renameSync(staging, seedDir);
    } catch (error) {
      // Another run made the seed meanwhile: use theirs.
      if (!existsSync(adminFile)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
  log?.(`seed database ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Longest a lock of another run is waited for before it is taken as abandoned, ms. */
const LOCK_STALE_MS = 15 * 60_000;

/**
 * Runs `fn` holding a lock folder (`mkdir` is atomic), so two test runs on a
 * fresh machine do not build the same Keycloak distribution at once. A lock
 * older than 15 minutes is taken as abandoned.
 */
async function withLock(lockDir: string, fn: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > LOCK_STALE_MS) rmSync(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Starts one `kc.sh start-dev`; `halt` stops it and keeps its data folder (returned). */
async function launch(l: Launch): Promise<RunningKeycloak & { halt(): Promise<string> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-keycloak-'));
  if (l.seedDir) for (const f of readdirSync(l.seedDir)) if (f.endsWith('.db')) copyFileSync(path.join(l.seedDir, f), path.join(dataDir, f));
  const logFile = path.join(dataDir, 'keycloak.log');
  const [httpPort, managementPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const out = openSync(logFile, 'a');
  const started = Date.now();
  const child = spawn(
    path.join(l.home, 'bin', 'kc.sh'),
    [
      'start-dev',
      '--http-host=127.0.0.1',
      `--http-port=${httpPort}`,
      `--http-management-port=${managementPort}`,
      '--db=dev-file',
      `--db-url=jdbc:h2:file:${path.join(dataDir, 'keycloakdb')};NON_KEYWORDS=VALUE`,
    ],
    {
      cwd: dataDir,
      stdio: ['ignore', out, out],
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        JAVA_HOME: l.javaHome,
        // A modest heap (Keycloak's default reserves half the RAM) and C1 only: the machine is shared.
        JAVA_OPTS_KC_HEAP: '-Xms128m -Xmx768m',
        JAVA_OPTS_APPEND: '-XX:TieredStopAtLevel=1',
        ...(l.seedDir ? {} : { KC_BOOTSTRAP_ADMIN_USERNAME: l.admin.username, KC_BOOTSTRAP_ADMIN_PASSWORD: l.admin.password }),
      },
    },
  );
  closeSync(out);
  // Should the starting process die without stopping it (a failed setup, an uncaught error), the JVM goes with it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      resolve();
    });
  });
  const halt = async (): Promise<string> => {
    process.removeListener('exit', killOnExit);
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(timer);
    }
    return dataDir;
  };
  const stop = async (): Promise<void> => {
    rmSync(await halt(), { recursive: true, force: true });
  };
  const deadline = started + l.readyTimeoutMs;
  for (;;) {
    if (exited !== undefined || Date.now() > deadline) {
      const why = exited ?? `was not ready within ${l.readyTimeoutMs} ms`;
      const tail = logTail(logFile);
      await stop();
      throw new Error(`Keycloak ${why}:\n${tail}`);
    }
    try {
      const res = await fetch(`${url}/realms/master/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, admin: l.admin, startupMs: Date.now() - started, logFile, stop, halt };
}

function logTail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
