// npm run bench: generated Fastify workspaces of about 200, 2,000 and 10,000 source files
// (bench/generate.mjs). Per size, fresh processes interleaved round by round after a warm-up:
// the parse floor (bench/floor.mjs), the cold index = graph + rules (bench/cold.mjs), the warm start
// from the on-disk cache a first run wrote (bench/warm.mjs, nothing changed), the boot of
// the same app with real fastify (bench/boot.mjs) and `tsc --noEmit` on it; medians and ratios from
// the same run; oxc-parser's floor (bench/floor-oxc.mjs: the same files, Rust parser) runs in
// the same rounds. Then, once per size: the retained heap of the analyser and of the floor, and the
// incremental updates (bench/incremental.mjs: ≥ 50 edits of six kinds in one process, p50/p95, and
// a check that the incremental graph equals a fresh full analysis); at the heap sizes, the heap
// over consecutive edits (bench/heap-edits.mjs: 1,000 edits and undos in one process; three runs:
// a forced collection every tenth, V8's own collections only, and those with the worker's part of
// each update, bench/worker-part.mjs), and the
// editor side of the same edits (bench/editor-path.mjs: the worker's message, the host's reading).
// Flags: --sizes 200,2000 | --size 200, --rounds N (default 5), --edits N (default 54),
// --heap-edits N (a multiple of 20, default 1000; 0: none), --heap-sizes 200,2000 (default: 200
// when it is measured), --smoke (1 round, no warm-up, 12 edits, 100 heap edits: the CI check),
// --json (one JSON object).
// --extension adds the extension in a real VS Code (bench/extension.mjs: activation in a project
// without Fastify, first index of the --extension-size workspace (default 2000) against the CLI's
// cold time, the .vsix size; --extension-rounds N, default 3); --extension-only measures just that;
// --extension-profile also writes CPU profiles of the extension host and the page per first index.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCore, buildWarm } from './core.mjs';
import { measureExtension } from './extension.mjs';
import { generateWorkspace, GENERATOR_VERSION } from './generate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const smoke = args.includes('--smoke');
const asJson = args.includes('--json');
const sizes = (flag('--sizes') ?? flag('--size') ?? '200,2000,10000').split(',').map(Number);
const rounds = smoke ? 1 : Number(flag('--rounds')) || 5;
const edits = Number(flag('--edits')) || (smoke ? 12 : 54);
const heapEdits = Number(flag('--heap-edits') ?? (smoke ? 100 : 1000));
// 1,000 edits take minutes at 200 files, hours at 10,000: by default only the 200-file size runs them.
const heapSizes = flag('--heap-sizes') ? flag('--heap-sizes').split(',').map(Number) : sizes.filter((s) => s === 200);
if (sizes.some((s) => !Number.isInteger(s) || s < 50)) fail(`--sizes takes whole numbers of files (at least 50), not '${sizes}'`);
if (!Number.isInteger(heapEdits) || heapEdits < 0 || heapEdits % 20) fail(`--heap-edits takes a multiple of 20 (0: none), not '${flag('--heap-edits')}'`);
if (heapSizes.some((s) => !sizes.includes(s))) fail(`--heap-sizes must be among the sizes measured (${sizes}), not '${heapSizes}'`);
const extensionOnly = args.includes('--extension-only');
const extension = extensionOnly || args.includes('--extension');
const extensionSize = Number(flag('--extension-size')) || 2000;
const extensionRounds = smoke ? 1 : Number(flag('--extension-rounds')) || 3;
if (extension && extensionSize < 50) fail(`--extension-size takes a whole number of files (at least 50)`);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

const log = (s) => {
  if (!asJson) process.stderr.write(`${s}\n`);
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, digits = 0) => (x === null ? null : Number(x.toFixed(digits)));

/** Runs node with `argv`; wall time of the whole process (start-up included), stdout. */
function run(argv, { env, allowFailure = false } = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && !allowFailure) fail(`${argv.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}${r.stdout.slice(0, 2000)}`);
  return { ms, stdout: r.stdout, status: r.status };
}

/** The workspace of one size, generated again when the generator (its version or its text) changed. */
function workspace(size) {
  const ws = join(root, 'bench', '.work', `ws-${size}`);
  const stamp = join(ws, '.generator');
  const targets = `${ws}.targets.json`;
  const source = readFileSync(join(root, 'bench', 'generate.mjs'));
  const version = `${GENERATOR_VERSION}:${size}:${createHash('sha256').update(source).digest('hex').slice(0, 16)}`;
  if (!existsSync(stamp) || !existsSync(targets) || readFileSync(stamp, 'utf8') !== version) {
    log(`generating ${size} files…`);
    const g = generateWorkspace(ws, { files: size });
    writeFileSync(targets, JSON.stringify(g.edits));
    writeFileSync(stamp, version);
  }
  return { ws, targets };
}

function measure(size, core, warmBundle) {
  const { ws, targets } = workspace(size);
  // The warm start's cache: written by a first (cold) run of bench/warm.mjs, then only read.
  const cacheDir = join(root, 'bench', '.work', `cache-${size}`);
  rmSync(cacheDir, { recursive: true, force: true });
  const primed = JSON.parse(run(['bench/warm.mjs', warmBundle, ws, cacheDir]).stdout);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const peers = {
    floor: () => run(['bench/floor.mjs', ws]),
    oxc: () => run(['bench/floor-oxc.mjs', ws]),
    cold: () => run(['bench/cold.mjs', core, ws]),
    warm: () => run(['bench/warm.mjs', warmBundle, ws, cacheDir]),
    // The .ts files load through tsx's loader (as `fastify start` under ts-node/tsx would).
    // A larger V8 stack (4 MB, inside Linux's 8 MB default): at 10,000 files real Fastify's boot
    // (its application-hook runner, recursive per plugin) overflows the default ~1 MB one.
    boot: () => run(['--stack-size=4000', '--import', 'tsx', 'bench/boot.mjs', ws], { env: { FASTIFY_AUTOLOAD_TYPESCRIPT: '1' } }),
    tsc: () => run([tsc, '-p', join(ws, 'tsconfig.json'), '--noEmit'], { allowFailure: true }),
  };
  if (!smoke) for (const [name, go] of Object.entries(peers)) log(`  warm-up ${name}: ${Math.round(go().ms)} ms`);
  const samples = Object.fromEntries(Object.keys(peers).map((name) => [name, []]));
  const last = {};
  const warmRuns = [];
  for (let i = 0; i < rounds; i++) {
    for (const [name, go] of Object.entries(peers)) {
      const r = go();
      samples[name].push(r.ms);
      last[name] = r;
      if (name === 'warm') warmRuns.push(JSON.parse(r.stdout));
    }
    log(`  round ${i + 1}/${rounds}: ${Object.keys(samples).map((n) => `${n} ${Math.round(samples[n][i])} ms`).join(', ')}`);
  }
  const cold = JSON.parse(last.cold.stdout);
  const boot = JSON.parse(last.boot.stdout);
  const tscErrors = (last.tsc.stdout.match(/error TS\d+/g) ?? []).length;
  // The retained heaps, medians of as many processes as rounds, interleaved (they move by a few
  // tenths of a MB from process to process: what the collector and the compiler leave).
  const heapSamples = { cold: [], floor: [] };
  for (let i = 0; i < rounds; i++) {
    heapSamples.cold.push(JSON.parse(run(['--expose-gc', 'bench/cold.mjs', core, ws, '--heap']).stdout).heapMb);
    heapSamples.floor.push(JSON.parse(run(['--expose-gc', 'bench/floor.mjs', ws, '--heap']).stdout).heapMb);
  }
  const heap = { heapMb: median(heapSamples.cold) };
  const floorHeap = { heapMb: median(heapSamples.floor) };
  log('  incremental edits…');
  const inc = JSON.parse(run(['bench/incremental.mjs', core, ws, targets, join(root, 'bench', '.work', `scratch-${size}`), String(edits)]).stdout);
  log('  editor path of the same edits…');
  const ed = JSON.parse(run(['bench/editor-path.mjs', core, ws, targets, join(root, 'bench', '.work', `scratch-editor-${size}`), String(edits)]).stdout);
  const heapRun = heapEdits && heapSizes.includes(size);
  if (heapRun) log(`  heap over ${heapEdits} edits…`);
  const heapEditsRun = (...extra) => JSON.parse(run(['--expose-gc', 'bench/heap-edits.mjs', core, ws, targets, join(root, 'bench', '.work', `scratch-heap-${size}`), String(heapEdits), ...extra]).stdout);
  const he = heapRun ? heapEditsRun() : undefined;
  if (heapRun) log(`  heap over ${heapEdits} edits, collected only by V8 between the first tenth and the last…`);
  const heUnsampled = heapRun ? heapEditsRun('--unsampled') : undefined;
  if (heapRun) log(`  the same, with the worker's part of each update (view graph, message, findings sent)…`);
  const heWorker = heapRun ? heapEditsRun('--unsampled', '--worker') : undefined;
  const oxc = JSON.parse(last.oxc.stdout);

  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const result = {
    files: cold.files,
    routes: cold.routes,
    parseFloorMs: round(m.floor),
    oxcFloorMs: round(m.oxc),
    oxcRatio: round(m.floor / m.oxc, 2),
    coldIndexMs: round(m.cold),
    coldRatio: round(m.cold / m.floor, 2),
    incrementalP50Ms: round(inc.p50Ms, 1),
    incrementalP95Ms: round(inc.p95Ms, 1),
    incrementalSteadyP95Ms: inc.steadyP95Ms === null ? null : round(inc.steadyP95Ms, 1),
    editorWorkerP50Ms: round(ed.workerP50Ms, 1),
    editorWorkerP95Ms: round(ed.workerP95Ms, 1),
    editorHostP50Ms: round(ed.hostP50Ms, 1),
    editorHostP95Ms: round(ed.hostP95Ms, 1),
    editorMessageMb: round(ed.messageMbP50, 2),
    warmIndexMs: round(m.warm),
    warmRatio: round(m.warm / m.floor, 2),
    heapMb: round(heap.heapMb, 1),
    floorHeapMb: round(floorHeap.heapMb, 1),
    heapGrowthMb: he ? round(he.growthMb, 1) : null,
    editsForHeap: he ? he.edits : null,
    bootMs: round(m.boot),
    bootRatio: round(m.cold / m.boot, 2),
    tscMs: round(m.tsc),
  };
  const checks = {
    floorFiles: Number(last.floor.stdout.trim()),
    oxcFiles: oxc.files,
    oxcErrors: oxc.errors,
    findings: cold.findings,
    failedRules: cold.failedRules,
    bootRoutes: boot.routes,
    bootRoutesEqual: boot.routes === cold.routes,
    warmPrimedCold: !primed.fromCache,
    warmFromCache: warmRuns.every((w) => w.fromCache && w.parses === 0),
    warmParserLoaded: warmRuns.some((w) => w.parserLoaded),
    warmEqualsCold: warmRuns.every((w) => w.routes === cold.routes && w.findings === cold.findings && w.files === cold.files),
    tscExit: last.tsc.status,
    tscErrors,
    incrementalEdits: inc.edits,
    incrementalKinds: inc.kinds,
    incrementalRoutes: inc.routes,
    incrementalEqualsFull: inc.equalsFull,
    editorHostEqualsWorker: ed.hostEqualsWorker,
    ...(inc.equalsFull ? {} : { incrementalDifference: inc.difference, incrementalBrokenKinds: inc.brokenKinds }),
    ...(he ? { heapSamplesMb: he.samples.map(([n, mb]) => [n, round(mb, 1)]), heapEditsBackToStart: he.backToStart && heUnsampled.backToStart && heWorker.backToStart, heapEditsP50Ms: round(he.p50Ms, 1), heapGrowthUnsampledMb: round(heUnsampled.growthMb, 1), heapGrowthWorkerMb: round(heWorker.growthMb, 1) } : {}),
  };
  return { result, checks };
}

const core = await buildCore();
const warmBundle = await buildWarm();
const out = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  platform: `${process.platform} ${process.arch}`,
  totalMemMb: Math.round(totalmem() / 1048576),
  loadAverage1m: round(loadavg()[0], 2),
  generatorVersion: GENERATOR_VERSION,
  rounds,
  sizes: {},
  checks: {},
};
for (const size of extensionOnly ? [] : sizes) {
  log(`size ${size}:`);
  const { result, checks } = measure(size, core, warmBundle);
  out.sizes[size] = result;
  out.checks[size] = checks;
}
if (extension) {
  log(`extension in VS Code (code-server), ${extensionSize} files:`);
  const cold = (dir) => run(['bench/cold.mjs', core, dir]);
  const profile = args.includes('--extension-profile'); // the extension host's CPU profile of each first index, in bench/.work/vscode/run-N/
  out.extension = await measureExtension({ ws: workspace(extensionSize).ws, size: extensionSize, rounds: extensionRounds, warmUp: !smoke, cold, log, profile });
}

if (asJson) console.log(JSON.stringify(out, null, 2));
else console.log(table(out));

function table(o) {
  const cols = Object.keys(o.sizes);
  const rows = [
    ['source files', 'files'], ['routes found', 'routes'],
    ['parse floor (ms)', 'parseFloorMs'], ['oxc-parser floor (ms)', 'oxcFloorMs'], ['  floor / oxc floor', 'oxcRatio', 'x'], ['cold index: graph + rules (ms)', 'coldIndexMs'], ['  cold / floor', 'coldRatio', 'x'],
    ['incremental p50 (ms)', 'incrementalP50Ms'], ['incremental p95 (ms)', 'incrementalP95Ms'], ['  p95 after the first 12 edits (ms)', 'incrementalSteadyP95Ms'],
    ['editor path, worker p50 (ms)', 'editorWorkerP50Ms'], ['editor path, worker p95 (ms)', 'editorWorkerP95Ms'], ['editor path, host p50 (ms)', 'editorHostP50Ms'], ['editor path, host p95 (ms)', 'editorHostP95Ms'], ['  graph message p50 (MB)', 'editorMessageMb'],
    ['warm index (ms)', 'warmIndexMs'], ['  warm / floor', 'warmRatio', 'x'],
    ['heap, analyser alive (MB)', 'heapMb'], ['heap, floor trees alive (MB)', 'floorHeapMb'],
    ['heap growth over edits (MB)', 'heapGrowthMb'], ['  edits for heap growth', 'editsForHeap'],
    ['boot with fastify (ms)', 'bootMs'], ['  cold index / boot', 'bootRatio', 'x'], ['tsc --noEmit (ms)', 'tscMs'],
  ];
  const cell = (v, unit = '') => (v === null ? 'n/a' : `${v}${unit}`);
  const lines = [[`node ${o.node}, ${o.cpus} cpus (${o.cpuModel}), load ${o.loadAverage1m}`, ...cols.map((c) => `${c} files`)]];
  for (const [label, key, unit] of rows) lines.push([label, ...cols.map((c) => cell(o.sizes[c][key], unit))]);
  const width = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const text = lines.map((l) => l.map((c, i) => (i ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ')).join('\n');
  const notes = [
    `medians of ${o.rounds} interleaved fresh processes${smoke ? ' (smoke run: no warm-up)' : ' after a warm-up'}; incremental: one process, the edit script's graph + rules times`,
    'warm index: a fresh process with the cache of a previous run, nothing changed (inputs checked, graph and findings read, nothing parsed)',
  ];
  for (const c of cols) {
    const k = o.checks[c];
    notes.push(`${c}: warm start ${k.warmFromCache ? 'served from the cache with 0 parses' : 'NOT served from the cache'}${k.warmParserLoaded ? ' (the parser was loaded)' : ', parser not loaded'}, ${k.warmEqualsCold ? 'same routes and findings as cold' : 'DIFFERENT routes or findings from cold'}`);
    notes.push(`${c}: oxc-parser read ${k.oxcFiles} files, ${k.oxcErrors} syntax errors; ` + (k.heapSamplesMb
      ? `heap over ${o.sizes[c].editsForHeap} edits (edit + undo, in turn): ${k.heapSamplesMb.map(([n, mb]) => `${n}: ${mb}`).join(', ')} MB; growth = last - sample at ${k.heapSamplesMb[1][0]}; ` +
        `growth with V8's own collections only between them: ${k.heapGrowthUnsampledMb} MB, with the worker's part of each update too: ${k.heapGrowthWorkerMb} MB; ` +
        `${k.heapEditsBackToStart ? 'graph and findings back to the cold index\'s' : 'graph or findings NOT back to the cold index\'s'} (p50 ${k.heapEditsP50Ms} ms per edit)`
      : 'heap over edits not run at this size (--heap-sizes)'));
    notes.push(`${c}: boot served ${k.bootRoutes} routes (${k.bootRoutesEqual ? 'equal to ours' : 'NOT equal to ours'}); tsc ${k.tscErrors ? `${k.tscErrors} type errors (measured anyway)` : 'clean'}; ` +
      `incremental graph after ${k.incrementalEdits} edits ${k.incrementalEqualsFull ? 'equals a fresh full analysis' : `DIFFERS from a fresh full analysis (kinds: ${k.incrementalBrokenKinds.map((b) => b.kind).join(', ') || 'none alone'}): ${k.incrementalDifference}`}; ` +
      `the extension host's graph ${k.editorHostEqualsWorker ? 'equals the worker\'s after every edit' : 'DIFFERS from the worker\'s'}`);
  }
  const sections = cols.length ? [`${text}\n\n${notes.join('\n')}`] : [];
  if (o.extension) sections.push(extensionTable(o.extension));
  return sections.join('\n\n');
}

function extensionTable(e) {
  const r = e.result;
  const k = e.checks;
  const p = r.firstIndexParts;
  const rows = [
    [`Fastify Lens in VS Code (code-server 4.96.4), ${r.files} files`, ''],
    ['activation, project without Fastify (ms)', `${r.extensionActivationMs}`], ['  of which loading dist/extension.js (ms)', `${r.extensionLoadMs}`],
    ['  wall time, load to activate() returned (ms)', `${r.extensionActivationWallMs}`], ['  then detection: no Fastify (ms)', `${r.extensionDetectMs}`],
    ['first index until the views show (ms)', `${r.extensionFirstIndexMs}`],
    ['  activation (wall) / detection / worker answer / views (ms)', `${p.activationMs} / ${p.detectMs} / ${p.answerMs} / ${p.viewsMs}`],
    ['  the worker\'s own analysis (ms)', `${p.workerMs}`],
    ['CLI cold index: graph + rules (ms)', `${r.cliColdMs}`], ['  first index / CLI cold', `${r.extensionFirstIndexRatio}x`],
    ['fastify-lens routes --no-cache (ms)', `${r.cliRoutesNoCacheMs}`],
    ['.vsix (bytes)', `${r.vsixBytes}`], ['dist/extension.js (bytes)', `${r.mainBytes}`],
  ];
  const width = [Math.max(...rows.map((l) => l[0].length)), Math.max(...rows.map((l) => l[1].length))];
  const text = rows.map(([a, b]) => `${a.padEnd(width[0])}  ${b.padStart(width[1])}`).join('\n');
  const notes = [
    `medians of ${e.rounds} interleaved rounds (a new VS Code profile per run: no warm-start cache); load average ${e.loadAverage1m.join(' → ')}; first index per round ${e.samples.extensionFirstIndexMs.join(', ')} ms, CLI cold ${e.samples.cliColdMs.join(', ')} ms`,
    `project without Fastify: ${k.plainIndexedFolders.length ? `indexed ${k.plainIndexedFolders.join(', ')}` : 'no analysis worker started'}; the extension host loaded ${k.plainLoadedFiles.join(', ')}; dist/extension.js ${k.mainHasParser ? 'CARRIES the TypeScript parser' : 'has no parser in it'}`,
    `first index: cache ${k.firstIndexCache.join(', ')}; the status bar showed ${k.viewRoutes.join(', ')} routes (${k.viewRoutesEqualCli ? 'equal to `fastify-lens routes`' : `NOT equal to the ${k.cliRoutes} of \`fastify-lens routes\``}); ` +
      `${k.diagnostics.join(', ')} diagnostics (${k.diagnosticsEqualCliFindings ? 'equal to the CLI cold index\'s findings' : `NOT equal to the CLI cold index's ${k.cliFindings} findings`})`,
  ];
  return `${text}\n\n${notes.join('\n')}`;
}
