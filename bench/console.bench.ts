/**
 * `npm run bench:console` — the asset catalog's lineage graph with 5,000 assets,
 * measured in a real browser against a real control plane.
 *
 * Setup: embedded PostgreSQL; one organization with deployments `prod` (the
 * big catalog) and `small` (the baseline); the catalogs are reported the way an
 * agent reports them (gRPC `ReportCodeLocations` with an agent token): assets
 * in layers, each with 1–3 upstreams from the previous layers, 20 groups, owners,
 * kinds, tags and checks. About 70 % of the assets get a materialization and
 * some checks fail (rows written straight into `materializations` and
 * `asset_check_evaluations`, what the ingest path stores), so nodes carry all
 * three statuses. The console is built first (`build-console --if-stale`), the
 * control plane serves it, Chromium (the TOOLCHAIN flags, `--disable-gpu`)
 * signs in through the development issuer as an invited Owner.
 *
 * Measured in the browser, per page:
 * - first_render_ms: the `gantry:graph-rendered` performance mark (set one frame
 *   after React Flow's onInit, when the nodes are on screen) relative to the
 *   navigation start of the console document (performance.timeOrigin; the
 *   development issuer's sign-in form before it is not counted);
 * - pan_fps: requestAnimationFrame callbacks per second while the mouse drags
 *   the pane up and down continuously for 2 s (the viewport must have moved).
 * Baseline, same run: the same page for a 50-asset graph (deployment `small`).
 * Last line: `console graph_assets=5000 first_render_ms=… pan_fps=…`.
 * Env: BENCH_CONSOLE_ASSETS (5000), BENCH_CONSOLE_BASELINE_ASSETS (50), BENCH_CONSOLE_PAN_MS (2000).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { launchBrowser, typeDevIssuerIdentity } from '@gantry/browser-testing';
import { loadAgentProto } from '@gantry/proto';
import { r2, seedBenchTenant, startBenchDatabase } from './support/bench-env';
import { startBenchControlPlane } from './support/child-process';

const ASSETS = Number(process.env['BENCH_CONSOLE_ASSETS'] ?? 5_000);
const BASELINE_ASSETS = Number(process.env['BENCH_CONSOLE_BASELINE_ASSETS'] ?? 50);
const PAN_MS = Number(process.env['BENCH_CONSOLE_PAN_MS'] ?? 2_000);
/** Name of the mark the graph sets (apps/console/src/pages/assets/asset-graph.tsx). */
const MARK = 'gantry:graph-rendered';
/** Set once the graph is on screen with every asset's status (apps/console asset-graph.tsx GRAPH_COMPLETE_MARK). */
const COMPLETE_MARK = 'gantry:graph-complete';
const EMAIL = 'bench@gantry.local';
const ROOT = path.resolve(import.meta.dirname, '..');

// --- the console build, the database, the tenant ------------------------------------------
execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-console.mjs'), '--if-stale'], { stdio: 'inherit' });
const db = await startBenchDatabase();
const tenant = await seedBenchTenant(db.prisma, []);
const org = await db.prisma.organization.findUniqueOrThrow({ where: { id: tenant.orgId } });
await db.prisma.deployment.create({ data: { orgId: tenant.orgId, name: 'small' } });
await db.prisma.invitation.create({ data: { orgId: tenant.orgId, email: EMAIL, role: 'OWNER', invitedBy: 'bench', expiresAt: new Date(Date.now() + 86_400_000) } });
const cp = await startBenchControlPlane(db.appUrl);

/** A deterministic layered catalog: `n` assets in layers of ~n/25, each with 1–3 upstreams from the 3 layers before. */
function catalog(n: number, name: string, deployment: string) {
  let seed = 42;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const layers = Math.max(2, Math.min(25, Math.round(n / 10)));
  const per = Math.ceil(n / layers);
  const key = (i: number) => `${name}/group_${i % 20}/asset_${i}`;
  const assets = Array.from({ length: n }, (_, i) => {
    const layer = Math.floor(i / per);
    const deps = new Set<string>();
    if (layer > 0) {
      for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
        const from = Math.max(0, layer - 1 - Math.floor(rnd() * rnd() * 3));
        deps.add(key(from * per + Math.floor(rnd() * per)));
      }
    }
    return {
      key: key(i),
      group: `group_${i % 20}`,
      owners: [`team:${['ingest', 'analytics', 'finance', 'ml', 'platform'][i % 5]}`],
      kinds: i % 3 === 0 ? ['python', 'parquet'] : ['sql'],
      tags: { tier: ['bronze', 'silver', 'gold'][Math.min(2, Math.floor((layer * 3) / layers))]! },
      description: `Synthetic asset ${i} of layer ${layer}.`,
      deps: [...deps],
      checks: i % 4 === 0 ? [{ name: 'row_count_positive' }] : [],
    };
  });
  return { name, deployment, command: ['true'], assets };
}

// --- report the catalogs as an agent does ---------------------------------------------------
const proto = loadAgentProto();
const agentClient = new proto.gantry.agent.v1.AgentService(cp.grpcAddress, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 });
const md = new grpc.Metadata();
md.set('authorization', `Bearer ${tenant.agentToken}`);
const definitions = [catalog(ASSETS, 'catalog', 'prod'), catalog(BASELINE_ASSETS, 'baseline', 'small')];
const t0 = performance.now();
await new Promise<void>((resolve, reject) =>
  agentClient.ReportCodeLocations({ locations: definitions.map((d) => ({ deployment: d.deployment, name: d.name, definitionJson: JSON.stringify(d) })) }, md, { deadline: Date.now() + 120_000 }, (error) =>
    error ? reject(error) : resolve(),
  ),
);
agentClient.close();
console.log(`bench: reported ${ASSETS} + ${BASELINE_ASSETS} assets through ReportCodeLocations in ${r2((performance.now() - t0) / 1000)} s`);

// --- materializations and check results, as the ingest path stores them ----------------------
const sql = new pg.Client({ connectionString: db.postgres.url });
await sql.connect();
await sql.query(
  `INSERT INTO materializations (id, org_id, deployment_id, asset_id, run_id, event_seq, created_at)
   SELECT gen_random_uuid(), a.org_id, a.deployment_id, a.id, gen_random_uuid(), 1, now() - (random() * interval '7 days')
   FROM assets a WHERE a.org_id = $1 AND random() < 0.7`,
  [tenant.orgId],
);
await sql.query(
  `INSERT INTO asset_check_evaluations (id, org_id, deployment_id, asset_id, check_name, run_id, event_seq, passed, created_at)
   SELECT gen_random_uuid(), m.org_id, m.deployment_id, m.asset_id, c.name, m.run_id, 2, random() > 0.15, m.created_at
   FROM materializations m JOIN asset_checks c ON c.asset_id = m.asset_id WHERE m.org_id = $1`,
  [tenant.orgId],
);
const counts = (await sql.query<{ m: number; f: number }>(
  `SELECT (SELECT count(*)::int FROM materializations WHERE org_id = $1) AS m, (SELECT count(*)::int FROM asset_check_evaluations WHERE org_id = $1 AND NOT passed) AS f`,
  [tenant.orgId],
)).rows[0]!;
await sql.end();
console.log(`bench: ${counts.m} materializations, ${counts.f} failed check evaluations`);

// Warm the server (JIT, pools) with the catalog query the page sends, as any long-running server is.
for (const deployment of ['prod', 'small']) {
  const res = await fetch(`${cp.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiToken}` },
    body: JSON.stringify({ query: `{ assets(deployment: "${deployment}") { key group owners kinds tags { key value } description upstream { key } latestMaterialization { createdAt runId } latestCheckEvaluations { checkName passed severity } } }` }),
  });
  const body = (await res.json()) as { data?: { assets: unknown[] }; errors?: unknown };
  if (!body.data) throw new Error(`catalog query failed: ${JSON.stringify(body.errors)}`);
  console.log(`bench: catalog query for ${deployment}: ${body.data.assets.length} assets`);
}

// --- the browser ------------------------------------------------------------------------------
const browser = await launchBrowser({ viewport: { width: 1400, height: 900 } });
const page = await browser.newPage();

/** Opens the graph of `deployment` (signing in), returns first_render_ms and the nodes on screen then. */
async function openGraph(p: Page, deployment: string): Promise<{ firstRenderMs: number; nodes: number }> {
  await p.goto(`${cp.baseUrl}/${org.slug}/${deployment}/assets?view=graph`);
  await typeDevIssuerIdentity(p, 'Bench', EMAIL);
  const cdp = process.env['BENCH_CONSOLE_CPU_PROFILE'] && deployment === 'prod' ? await p.context().newCDPSession(p) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  await p.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, MARK, { timeout: 120_000, polling: 50 });
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(process.env['BENCH_CONSOLE_CPU_PROFILE']!, JSON.stringify(profile));
  }
  const timings = await p.evaluate(`performance.getEntriesByType('resource').filter((e) => e.name.includes('/graphql')).map((e) => Math.round(e.startTime) + '-' + Math.round(e.responseEnd) + ' ' + e.transferSize + 'B').join(', ')`);
  console.log(`bench: ${deployment}: GraphQL requests (start-end ms after navigation start, size): ${timings}`);
  // Page-side code as strings: the bench is compiled without the DOM library.
  const result = await p.evaluate<{ firstRenderMs: number; nodes: number }>(`({ firstRenderMs: performance.getEntriesByName('${MARK}')[0].startTime, nodes: document.querySelectorAll('.react-flow__node').length })`);
  // A big graph is first drawn from the server layout; statuses follow with the catalog. Reported, not the target.
  await p.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, COMPLETE_MARK, { timeout: 120_000, polling: 50 });
  const completeMs = await p.evaluate<number>(`performance.getEntriesByName('${COMPLETE_MARK}')[0].startTime`);
  console.log(`bench: ${deployment}: graph on screen at ${Math.round(result.firstRenderMs)} ms, with every status at ${Math.round(completeMs)} ms`);
  return result;
}

/** Drags the pane up and down for PAN_MS while counting animation frames in the page; returns frames per second. */
async function panFps(p: Page): Promise<{ fps: number; moves: number }> {
  const box = (await p.locator('.react-flow__pane').boundingBox())!;
  // Left of the first column of nodes (the viewport starts 24 px in), so the drag starts on the pane, not on a node or an edge.
  const x = box.x + 8;
  const hit = await p.evaluate<string>(`document.elementFromPoint(${x}, ${box.y + box.height / 2})?.className.toString() ?? ''`);
  if (!hit.includes('react-flow__pane')) throw new Error(`the drag would start on ${hit}, not on the pane`);
  const mid = box.y + box.height / 2;
  const before = await p.locator('.react-flow__viewport').getAttribute('style');
  // A string, not a function: tsx would wrap named arrow functions in a helper the page does not have.
  await p.evaluate(`(() => {
    window.benchFrames = 0;
    window.benchCounting = true;
    window.benchStart = performance.now();
    const tick = () => { window.benchFrames++; if (window.benchCounting) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  await p.mouse.move(x, mid);
  await p.mouse.down();
  let moves = 0;
  for (const end = Date.now() + PAN_MS; Date.now() < end; moves++) {
    // A triangle wave of ±200 px, 8 px per move: continuous panning across many rows of nodes.
    const phase = (moves * 8) % 800;
    await p.mouse.move(x, mid + (phase < 400 ? phase - 200 : 600 - phase));
  }
  await p.mouse.up();
  const { frames, ms } = await p.evaluate<{ frames: number; ms: number }>(`(() => {
    window.benchCounting = false;
    return { frames: window.benchFrames, ms: performance.now() - window.benchStart };
  })()`);
  const after = await p.locator('.react-flow__viewport').getAttribute('style');
  if (before === after) throw new Error('the pane did not pan');
  return { fps: (frames * 1000) / ms, moves };
}

await openGraph(page, 'small'); // warm-up: the browser's cache of the console bundle, as for a returning user
const base = await openGraph(page, 'small');
const basePan = await panFps(page);
console.log(`bench: baseline ${BASELINE_ASSETS}-asset graph: first render ${Math.round(base.firstRenderMs)} ms (${base.nodes} nodes on screen), pan ${r2(basePan.fps)} fps (${basePan.moves} mouse moves)`);
const big = await openGraph(page, 'prod');
const bigPan = await panFps(page);
console.log(`bench: ${ASSETS}-asset graph: first render ${Math.round(big.firstRenderMs)} ms (${big.nodes} nodes on screen), pan ${r2(bigPan.fps)} fps (${bigPan.moves} mouse moves)`);
if (browser.problems.length) console.log(`bench: browser problems: ${browser.problems.slice(0, 5).join(' | ')}`);
await browser.close();
await cp.stop();
await db.close();

console.log(
  `bench: baseline graph_assets=${BASELINE_ASSETS} first_render_ms=${Math.round(base.firstRenderMs)} pan_fps=${Math.round(basePan.fps)}; ` +
    `ratio ${ASSETS}/${BASELINE_ASSETS} assets: first_render ×${r2(big.firstRenderMs / base.firstRenderMs)}, pan_fps ×${r2(bigPan.fps / basePan.fps)}`,
);
console.log(`console graph_assets=${ASSETS} first_render_ms=${Math.round(big.firstRenderMs)} pan_fps=${Math.round(bigPan.fps)}`);
process.exit(0);
