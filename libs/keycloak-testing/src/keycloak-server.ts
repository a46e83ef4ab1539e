import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
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

/**
 * Starts Keycloak in development mode (`kc.sh start-dev`) on a free loopback
 * port, with an H2 database in a fresh temporary folder and a random bootstrap
 * admin password passed through the environment (not the command line, so it
 * never shows in `ps`). Resolves once the master realm answers.
 * Errors: rejects when the distribution cannot be fetched, Java 21+ is missing,
 * the process exits early or readiness times out (with the tail of its log).
 */
export async function startKeycloak(options: StartKeycloakOptions = {}): Promise<RunningKeycloak> {
  const home = await ensureKeycloakDistribution(options);
  const javaHome = options.javaHome ?? findKeycloakJavaHome(process.env['JAVA_HOME']);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-keycloak-'));
  const logFile = path.join(dataDir, 'keycloak.log');
  const [httpPort, managementPort] = [await freePort(), await freePort()];
  const admin = { username: 'gantry-test-admin', password: randomBytes(24).toString('base64url') };
  const url = `http://127.0.0.1:${httpPort}`;
  const out = openSync(logFile, 'a');
  const started = Date.now();
  const child = spawn(
    path.join(home, 'bin', 'kc.sh'),
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
        JAVA_HOME: javaHome,
        // A modest heap: the machine is shared (Keycloak's default takes half the RAM up front).
        JAVA_OPTS_KC_HEAP: '-Xms128m -Xmx768m',
        KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      },
    },
  );
  closeSync(out);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = started + (options.readyTimeoutMs ?? 300_000);
  for (;;) {
    if (exited !== undefined) {
      const tail = logTail(logFile);
      await stop();
      throw new Error(`Keycloak ${exited} before it was ready:\n${tail}`);
    }
    if (Date.now() > deadline) {
      const tail = logTail(logFile);
      await stop();
      throw new Error(`Keycloak was not ready within ${options.readyTimeoutMs ?? 300_000} ms:\n${tail}`);
    }
    try {
      const res = await fetch(`${url}/realms/master/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, admin, startupMs: Date.now() - started, logFile, stop };
}

function logTail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
