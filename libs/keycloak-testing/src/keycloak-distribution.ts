import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Keycloak server distribution the tests run (Maven Central `org.keycloak:keycloak-quarkus-dist`). */
export const KEYCLOAK_VERSION = '26.7.3';

/** Options of {@link ensureKeycloakDistribution}. */
export interface KeycloakDistributionOptions {
  /** Keycloak version (Maven artifact version). Default {@link KEYCLOAK_VERSION}. */
  version?: string;
  /** Where downloads and unpacked distributions are kept. Default `~/.cache/gantry`. */
  cacheDir?: string;
  /** Progress lines (download, unpack); default: none. */
  log?: (line: string) => void;
}

/** Default cache folder: `~/.cache/gantry` (outside the repository, shared by worktrees). */
export function defaultCacheDir(): string {
  return path.join(os.homedir(), '.cache', 'gantry');
}

/**
 * The Keycloak home folder (`bin/kc.sh` inside), downloading and unpacking the
 * distribution on first use: `mvn dependency:copy` of
 * `org.keycloak:keycloak-quarkus-dist:<version>:tar.gz` into `<cacheDir>/downloads`,
 * then `tar -xzf` into a temporary folder renamed to `<cacheDir>/keycloak-<version>`
 * (the rename is atomic, so a concurrent or interrupted run never sees half a
 * distribution). Later calls return at once.
 * Errors: rejects when Maven or tar fail (their output is in the message).
 */
export async function ensureKeycloakDistribution(options: KeycloakDistributionOptions = {}): Promise<string> {
  const version = options.version ?? KEYCLOAK_VERSION;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const log = options.log ?? (() => undefined);
  const home = path.join(cacheDir, `keycloak-${version}`);
  if (existsSync(path.join(home, 'bin', 'kc.sh'))) return home;

  const downloads = path.join(cacheDir, 'downloads');
  mkdirSync(downloads, { recursive: true });
  const archive = path.join(downloads, `keycloak-quarkus-dist-${version}.tar.gz`);
  if (!existsSync(archive)) {
    const started = Date.now();
    log(`downloading org.keycloak:keycloak-quarkus-dist:${version}:tar.gz from Maven Central`);
    await exec('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=org.keycloak:keycloak-quarkus-dist:${version}:tar.gz`, `-DoutputDirectory=${downloads}`]);
    log(`downloaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const started = Date.now();
  const staging = mkdtempSync(path.join(cacheDir, `.keycloak-${version}-`));
  try {
    await exec('tar', ['-xzf', archive, '-C', staging]);
    const [top] = readdirSync(staging);
    if (!top) throw new Error(`${archive} is empty`);
    try {
      renameSync(path.join(staging, top), home);
    } catch (error) {
      // Another run won the race: its copy is complete (rename is atomic).
      if (!existsSync(path.join(home, 'bin', 'kc.sh'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`unpacked into ${home} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return home;
}

async function exec(cmd: string, args: string[]): Promise<void> {
  try {
    await run(cmd, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/**
 * A JDK home with Java 21 or newer for Keycloak: `/usr/lib/jvm/temurin-<N>-…`
 * with the highest N >= 21, else `JAVA_HOME` as given.
 * Errors: throws when none is found (Keycloak 26 refuses older Java).
 */
export function findKeycloakJavaHome(javaHome: string | undefined, jvmDir = '/usr/lib/jvm'): string {
  const candidates = existsSync(jvmDir)
    ? readdirSync(jvmDir)
        .map((name) => ({ name, major: Number(/^(?:temurin|java|jdk)-(\d+)/.exec(name)?.[1] ?? 0) }))
        .filter((c) => c.major >= 21 && existsSync(path.join(jvmDir, c.name, 'bin', 'java')))
        .sort((a, b) => b.major - a.major)
    : [];
  const best = candidates[0];
  if (best) return path.join(jvmDir, best.name);
  if (javaHome) return javaHome;
  throw new Error(`Keycloak needs Java 21+: no JDK >= 21 under ${jvmDir} and JAVA_HOME is unset`);
}
