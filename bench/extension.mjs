// `npm run bench -- --extension`: Fastify Lens in a real VS Code — code-server 4.96.4 (VS Code
// 1.96.4, a real Node extension host) in Chromium, installed and driven the way the VS Code suites
// are (scripts/vscode/run-tests.mjs), with the .vsix users get (production build). Per round,
// interleaved, each VS Code run with a new profile (so no warm-start cache and nothing remembered):
// - activation: a Node project without Fastify is opened. The times are VS Code's own performance
//   marks in the extension host: `code/extHost/willLoadExtensionCode/fastify-lens.fastify-lens`
//   and `didLoadExtensionCode` around its require of dist/extension.js, `willActivateExtension`
//   and `didActivateExtension` around the activate() call and its result. Activation = load +
//   activate (the time the host spends in our code, as "Show Running Extensions" adds it up); the
//   wall time from load to activated and the detection after it are reported too. Checked: no
//   folder got an analysis worker, the extension host loaded no other file of the extension, and
//   whether that main file carries the TypeScript parser;
// - first index: a copy of the generated workspace is opened and the Fastify view container
//   clicked open as soon as the activity bar shows it; the time runs from the same load mark to
//   the first animation frame in which the browser shows both the status bar's route count
//   (not 0) and rows in the Routes view — the moment a user sees the views. Log lines of the
//   extension's output channel (timestamps in ms) split it into activation, detection, worker
//   (its own "indexed in N ms") and the rest;
// - the CLI's cold time on the same copy: `bench/cold.mjs` (a fresh process: graph + every rule,
//   the work the extension's first index does) through the caller's `run`, and, for scale,
//   `fastify-lens routes --no-cache` (graph only, no rules).
// The .vsix is the one this run packaged and installed; its size is reported.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CHROMIUM, ENTRY, USER_SETTINGS, canConnect, freePort, installCodeServer, installExtensions, packageExtension, packageHarness, serverArgs, waitFor } from '../scripts/vscode/run-tests.mjs';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(ROOT, 'bench', '.work', 'vscode');
const RUN_TIMEOUT_MS = 300_000;

/**
 * Installs code-server if needed, packages the extension and the harness, installs both and
 * bundles the probe. Returns what the runs need.
 */
export async function prepareExtensionBench(log) {
  const toStderr = ['ignore', 2, 2]; // stdout stays the benchmark's (--json)
  installCodeServer(toStderr);
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  log('  packaging the extension (production build, as `npm run package` ships it)…');
  const vsix = path.join(WORK, 'fastify-lens.vsix');
  packageExtension(vsix, toStderr);
  const extensionsDir = path.join(WORK, 'extensions');
  installExtensions(extensionsDir, path.join(WORK, 'install-profile'), [vsix, await packageHarness(WORK)]);
  const probe = path.join(WORK, 'probe.js');
  await build({ entryPoints: [path.join(ROOT, 'bench', 'extension-probe.ts')], outfile: probe, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha'], logLevel: 'warning' });
  return { vsix, vsixBytes: fs.statSync(vsix).size, extensionsDir, probe };
}

/** A Node project without Fastify (the VS Code suites' `@plain` folder). */
export function plainWorkspace() {
  const dir = path.join(WORK, 'plain');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'plain', dependencies: { express: '^5.0.0' } }));
  fs.writeFileSync(path.join(dir, 'index.js'), "require('express')().get('/not-fastify', () => {})\n");
  return dir;
}

/** A copy of a generated workspace, opened by VS Code and analysed by the CLI peers. */
export function workspaceCopy(ws, size) {
  const dir = path.join(WORK, `ws-${size}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(ws, dir, { recursive: true });
  return dir;
}

let runs = 0;

/**
 * One VS Code window on `folder` with a new profile. `fastify`: wait for the views to show the
 * graph. Returns the probe's facts, the moment the views showed (browser clock), the status bar's
 * route count and the extension's log lines.
 */
export async function vscodeRun(prepared, folder, { fastify, cpuProfile: wantProfile = false }) {
  const dir = path.join(WORK, `run-${++runs}`);
  const profile = path.join(dir, 'profile');
  fs.mkdirSync(path.join(profile, 'User'), { recursive: true });
  fs.writeFileSync(path.join(profile, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS));
  const probeOut = path.join(dir, 'probe.json');
  const results = path.join(dir, 'results.json');
  const config = path.join(dir, 'harness.json');
  const cpuProfile = wantProfile ? path.join(dir, 'exthost.cpuprofile') : undefined;
  fs.writeFileSync(config, JSON.stringify({ mocha: path.join(ROOT, 'node_modules', 'mocha'), suite: prepared.probe, results, scenario: 'bench', repo: ROOT, probeOut, cpuProfile }));
  const port = await freePort();
  const server = spawn(process.execPath, [ENTRY, ...serverArgs(port, profile, prepared.extensionsDir)], { env: { ...process.env, FASTIFY_LENS_TEST_CONFIG: config }, stdio: ['ignore', 'pipe', 'pipe'] });
  const serverLog = fs.createWriteStream(path.join(dir, 'code-server.log'));
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  const exited = new Promise((resolve) => server.on('exit', resolve));
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    await waitFor(() => canConnect(port), 60_000, 'code-server did not start');
    browser = await chromium.launch(CHROMIUM);
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    let shown;
    if (fastify) {
      // --extension-profile: the page's CPU profile too, until the views show.
      const cdp = cpuProfile ? await page.context().newCDPSession(page) : undefined;
      if (cdp) for (const m of ['Profiler.enable', 'Profiler.start']) await cdp.send(m);
      await page.locator('.activitybar .action-item [aria-label^="Fastify"]').first().click({ timeout: RUN_TIMEOUT_MS });
      const handle = await page.waitForFunction(viewsShown, null, { polling: 'raf', timeout: RUN_TIMEOUT_MS });
      shown = await handle.jsonValue();
      if (cdp) fs.writeFileSync(path.join(dir, 'renderer.cpuprofile'), JSON.stringify((await cdp.send('Profiler.stop')).profile));
    }
    await waitFor(() => fs.existsSync(results), RUN_TIMEOUT_MS, `no results from the harness (see ${path.relative(ROOT, dir)})`);
    const suite = JSON.parse(fs.readFileSync(results, 'utf8'));
    if (suite.failed || !fs.existsSync(probeOut)) throw new Error(`the probe failed: ${suite.tests.map((t) => t.error).filter(Boolean).join('\n')}`);
    return { probe: JSON.parse(fs.readFileSync(probeOut, 'utf8')), shown, log: extensionLog(profile) };
  } finally {
    await browser?.close();
    server.kill();
    await exited;
  }
}

/**
 * Runs in the page on every animation frame: the status bar's "Fastify: N routes" with N > 0
 * and at least one row in the Routes view, with the time (false until then).
 */
function viewsShown() {
  const status = [...document.querySelectorAll('.statusbar-item')].map((e) => e.textContent ?? '').find((t) => /Fastify: \d+ routes/.test(t));
  const routes = status ? Number(/Fastify: (\d+) routes/.exec(status)[1]) : 0;
  const pane = [...document.querySelectorAll('.pane')].find((p) => p.querySelector('.pane-header .title')?.textContent?.trim() === 'Routes');
  const rows = pane ? pane.querySelectorAll('.monaco-list-row').length : 0;
  return routes > 0 && rows > 0 ? { at: Date.now(), routes, rows } : false;
}

/** The extension's output channel (a LogOutputChannel: one file, a ms timestamp per line) as {at, text}. */
function extensionLog(profile) {
  const file = findFile(path.join(profile, 'logs'), 'Fastify Lens.log');
  if (!file) return [];
  return fs.readFileSync(file, 'utf8').split('\n').flatMap((line) => {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) \[\w+\] (.*)$/.exec(line);
    return m ? [{ at: new Date(`${m[1]}T${m[2]}`).getTime(), text: m[3] }] : [];
  });
}

function findFile(dir, name) {
  if (!fs.existsSync(dir)) return undefined;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name === name) return p;
    if (e.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The activation numbers of one run (ms). Our cost is the time the extension host spends in our
 * code: loading dist/extension.js plus the activate() call (what "Show Running Extensions" adds up
 * as activation). The wall time from the load to activate() returning is longer: in between, VS
 * Code prepares the ExtensionContext (its storage, over IPC), which does not hold the host.
 * `detectMs`: activate() returned → the log says no package.json depends on fastify (a findFiles
 * in VS Code's search process and the manifests read).
 */
export function activationOf({ probe, log }) {
  const loadMs = probe.didLoadCode - probe.willLoadCode;
  const notIndexed = log.find((l) => /no package\.json depends on fastify/.test(l.text));
  return {
    loadMs,
    activationMs: loadMs + (probe.didActivate - probe.willActivate),
    wallMs: probe.didActivate - probe.willLoadCode,
    detectMs: notIndexed ? notIndexed.at - probe.didActivate : null,
  };
}

/** The first index of one run: total and its parts from the log (ms). */
export function firstIndexOf({ probe, shown, log }) {
  const found = log.find((l) => / Fastify project found/.test(l.text));
  const indexed = log.find((l) => /\] indexed in \d+ ms/.test(l.text));
  const workerMs = indexed ? Number(/indexed in (\d+) ms/.exec(indexed.text)[1]) : null;
  return {
    totalMs: shown.at - probe.willLoadCode,
    activationMs: probe.didActivate - probe.willLoadCode,
    // activate() returned → the log says a Fastify project was found (findFiles + package.json reads)
    detectMs: found ? found.at - probe.didActivate : null,
    // found → the host has the graph (worker start and its bundle load, the worker's analysis,
    // the graph's structured clone both ways, GraphIndex): the log line comes after GraphIndex
    answerMs: found && indexed ? indexed.at - found.at : null,
    // the worker's own time for scan, graph, rules, cache write, spans ("indexed in N ms")
    workerMs,
    // the host has the graph → the browser shows the views (tree rows, status bar, IPC, render)
    viewsMs: indexed ? shown.at - indexed.at : null,
    routes: shown.routes,
    diagnostics: probe.diagnostics,
    cache: indexed ? (/\(cache: ([^)]*)\)/.exec(indexed.text)?.[1] ?? null) : null,
  };
}

/**
 * `fastify-lens routes --no-cache --json <dir>` (dist/cli.js as this run built it): graph only, no
 * rules. Its row count (implicit HEAD routes left out, as in the views) is the check's reference.
 */
export function cliRoutes(dir) {
  const start = process.hrtime.bigint();
  const stdout = execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'routes', dir, '--no-cache', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, routes: JSON.parse(stdout).routes.length };
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, digits = 0) => (x === null ? null : Number(x.toFixed(digits)));

/**
 * The whole section: `rounds` rounds of (VS Code on the plain project, VS Code on the copy of
 * `ws`, `cold(dir)`, `fastify-lens routes --no-cache`), after one unmeasured VS Code start when
 * `warmUp`. `cold(dir)` runs bench/cold.mjs on `dir` and returns {ms, stdout}.
 */
export async function measureExtension({ ws, size, rounds, warmUp, cold, log, profile = false }) {
  const loadAtStart = loadavg()[0];
  const prepared = await prepareExtensionBench(log);
  const plain = plainWorkspace();
  const copy = workspaceCopy(ws, size);
  if (warmUp) {
    const w = await vscodeRun(prepared, plain, { fastify: false });
    log(`  warm-up VS Code start: activation ${activationOf(w).activationMs} ms`);
  }
  const activations = [];
  const indexes = [];
  const colds = [];
  const routesCli = [];
  let coldOut;
  let cliListed;
  const plainRuns = [];
  for (let i = 0; i < rounds; i++) {
    const p = await vscodeRun(prepared, plain, { fastify: false });
    plainRuns.push(p);
    activations.push(activationOf(p));
    const f = firstIndexOf(await vscodeRun(prepared, copy, { fastify: true, cpuProfile: profile }));
    indexes.push(f);
    const c = cold(copy);
    colds.push(c.ms);
    coldOut = JSON.parse(c.stdout);
    const listed = cliRoutes(copy);
    routesCli.push(listed.ms);
    cliListed = listed.routes;
    log(`  round ${i + 1}/${rounds}: activation ${activations[i].activationMs} ms (wall ${activations[i].wallMs}, detection ${activations[i].detectMs}), first index ${Math.round(f.totalMs)} ms (detect ${f.detectMs}, answer ${f.answerMs} of which worker ${f.workerMs}, views ${f.viewsMs}), cli cold ${Math.round(c.ms)} ms, routes --no-cache ${Math.round(routesCli[i])} ms`);
  }
  const first = median(indexes.map((f) => f.totalMs));
  const cliCold = median(colds);
  const part = (k) => round(median(indexes.map((f) => f[k])));
  const result = {
    files: coldOut.files,
    extensionActivationMs: round(median(activations.map((a) => a.activationMs))),
    extensionLoadMs: round(median(activations.map((a) => a.loadMs))),
    extensionActivationWallMs: round(median(activations.map((a) => a.wallMs))),
    extensionDetectMs: round(median(activations.map((a) => a.detectMs))),
    extensionFirstIndexMs: round(first),
    cliColdMs: round(cliCold),
    extensionFirstIndexRatio: round(first / cliCold, 2),
    cliRoutesNoCacheMs: round(median(routesCli)),
    firstIndexParts: { activationMs: part('activationMs'), detectMs: part('detectMs'), answerMs: part('answerMs'), workerMs: part('workerMs'), viewsMs: part('viewsMs') },
    vsixBytes: prepared.vsixBytes,
    mainBytes: plainRuns[0].probe.mainBytes,
  };
  const samples = {
    extensionActivationMs: activations.map((a) => a.activationMs),
    extensionFirstIndexMs: indexes.map((f) => round(f.totalMs)),
    workerMs: indexes.map((f) => f.workerMs),
    cliColdMs: colds.map((ms) => round(ms)),
  };
  const checks = {
    // the plain project: no analysis worker, no other file of the extension loaded
    plainIndexedFolders: [...new Set(plainRuns.flatMap((r) => r.probe.indexedFolders))],
    plainLoadedFiles: [...new Set(plainRuns.flatMap((r) => r.probe.loadedFiles))],
    mainHasParser: plainRuns[0].probe.mainHasParser,
    // every first index was a cold one (no warm-start cache) and showed the CLI's route count
    firstIndexCache: [...new Set(indexes.map((f) => f.cache))],
    viewRoutes: [...new Set(indexes.map((f) => f.routes))],
    cliRoutes: cliListed,
    viewRoutesEqualCli: indexes.every((f) => f.routes === cliListed),
    // the window's Fastify Lens diagnostics against the findings of bench/cold.mjs (the same rules, default severities)
    diagnostics: [...new Set(indexes.map((f) => f.diagnostics))],
    cliFindings: coldOut.findings,
    diagnosticsEqualCliFindings: indexes.every((f) => f.diagnostics === coldOut.findings),
  };
  return { rounds, size, loadAverage1m: [round(loadAtStart, 2), round(loadavg()[0], 2)], result, samples, checks };
}
