import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where Debian's `chromium` package puts the browser; GANTRY_CHROMIUM overrides. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Raised when no Chromium is installed and it cannot be installed here. */
export class ChromiumMissingError extends Error {
  readonly code = 'CHROMIUM_MISSING';
}

/** The installed Chromium's path, or undefined. */
export function findChromium(env: Record<string, string | undefined> = process.env): string | undefined {
  const override = env['GANTRY_CHROMIUM'];
  if (override) return existsSync(override) ? override : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/**
 * The path of Debian's Chromium, installing it with `apt-get install -y
 * chromium` first when missing (Playwright cannot download browsers here; see
 * TOOLCHAIN.md). Needs root, or passwordless sudo. `log` gets progress lines.
 * Errors: ChromiumMissingError saying what to run when the install fails.
 */
export function ensureChromium(log: (line: string) => void = () => undefined): string {
  const found = findChromium();
  if (found) return found;
  log('installing Chromium from Debian (apt-get install -y chromium)…');
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? 'apt-get' : 'sudo';
  const args = asRoot ? ['install', '-y', '--no-install-recommends', 'chromium'] : ['-n', 'apt-get', 'install', '-y', '--no-install-recommends', 'chromium'];
  let result = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8' });
  if (result.status !== 0 && /Unable to locate package|no installation candidate/i.test(`${result.stdout}${result.stderr}`)) {
    // A fresh image may have no package lists yet.
    execFileSync(asRoot ? 'apt-get' : 'sudo', asRoot ? ['update'] : ['-n', 'apt-get', 'update'], { stdio: 'ignore' });
    result = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8' });
  }
  const installed = findChromium();
  if (!installed) throw new ChromiumMissingError(`Chromium is not installed and apt-get failed (exit ${result.status}): ${result.stderr.slice(-500)}. Run \`apt-get install -y chromium\` as root, or set GANTRY_CHROMIUM.`);
  log(`Chromium installed at ${installed}`);
  return installed;
}
