import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureChromium } from './chromium';

/**
 * The flags TOOLCHAIN.md gives for Debian's Chromium in this sandbox:
 * headless, no sandbox (root), no GPU, no QUIC, and nothing that phones home.
 */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A running browser with one fresh profile. */
export interface TestBrowser {
  context: BrowserContext;
  /** A new tab; console errors and failed requests are collected in `problems`. */
  newPage(): Promise<Page>;
  /** Page errors and console errors seen so far, for assertions and diagnostics. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium through playwright-core with a fresh
 * `--user-data-dir` (deleted on close), 1400×900 viewport.
 * Errors: ChromiumMissingError (see ensureChromium).
 */
export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
  const executablePath = ensureChromium();
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'gantry-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: options.viewport ?? { width: 1400, height: 900 },
  });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    problems,
    newPage: async () => context.pages().find((p) => p.url() === 'about:blank') ?? (await context.newPage()),
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Root of the screenshots every browser test saves (CI keeps this folder as an artefact; the README names it). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../../test-results/screenshots');

/**
 * Saves a full-page PNG of `page` as `test-results/screenshots/<suite>/<nn>-<name>.png`
 * (numbered in the order taken; the suite's folder is emptied first). Returns the file's path.
 */
export function screenshotter(suite: string): (page: Page, name: string) => Promise<string> {
  const dir = path.join(SCREENSHOT_DIR, suite.replace(/[^a-z0-9-]+/gi, '-').toLowerCase());
  // A run's screenshots replace the previous run's, so the folder shows one run.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page, name) => {
    n += 1;
    const file = path.join(dir, `${String(n).padStart(2, '0')}-${name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.png`);
    writeFileSync(file, await page.screenshot({ fullPage: true }));
    return file;
  };
}
