// Where a cold index's time goes, for the README's account of what separates it from the parse
// floors: one cold index as bench/cold.mjs runs it (a fresh process, `Analyzer.analyze()` then
// every rule), with timers around its phases — node's own start, loading ts-morph and the
// analyser, the disk reads (every Host call), the TypeScript parses (`ts.createSourceFile`, reached
// through a timed copy of ts-morph's `ts` put in the require cache before the analyser loads), the
// rest of analyze() (scan, module resolution, linking and interpretation, the graph), the rules —
// and the collector's pauses (PerformanceObserver 'gc') by the phase they fell in. Not part of
// `npm run bench`; run it on a workspace the bench generated.
// With --profile, a CPU profile of analyze() + rules (node:inspector, in this process, so the
// phase timers above run slower) gives the self time by source module of src/core (from the
// bundle's `// src/…` markers); TypeScript API calls (getStart, forEachChild, …) and node
// internals count for the src/core module that made them, parses for 'parse'.
// Prints one JSON object.
// Usage: node bench/cold-split.mjs <core.cjs> <dir> [--profile]
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const nodeStartMs = performance.now();
const bundle = resolve(process.argv[2]);
const dir = process.argv[3];
const profile = process.argv.includes('--profile');
const require = createRequire(import.meta.url);
const gcs = [];
new PerformanceObserver((list) => gcs.push(...list.getEntries())).observe({ entryTypes: ['gc'] });

const spans = { load: [], analyze: [], rules: [], read: [], parse: [] };
function timed(kind, fn) {
  return function (...args) {
    const start = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      spans[kind].push([start, performance.now()]);
    }
  };
}
const total = (kind) => spans[kind].reduce((s, [a, b]) => s + (b - a), 0);
const within = (kind, t) => spans[kind].some(([a, b]) => t >= a && t < b);

// ts-morph with a timed createSourceFile, as the analyser's bundle will require it.
let t = performance.now();
const tsMorph = require('ts-morph');
spans.load.push([t, performance.now()]);
const ts = { ...tsMorph.ts, createSourceFile: timed('parse', tsMorph.ts.createSourceFile) };
require.cache[require.resolve('ts-morph')].exports = { ...tsMorph, ts };
const loadTsMorphMs = total('load');
t = performance.now();
const { Analyzer, createNodeHost, runRulesDetailed } = require(bundle);
spans.load.push([t, performance.now()]);
const loadAnalyserMs = total('load') - loadTsMorphMs;

const host = createNodeHost();
for (const k of Object.keys(host)) if (typeof host[k] === 'function') host[k] = timed('read', host[k]);

const session = profile ? new Session() : undefined;
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, r) => (err ? reject(err) : resolve(r))));
if (session) {
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
}
let parsesBefore = 0;
const analyzer = new Analyzer(dir, host);
const graph = timed('analyze', () => analyzer.analyze())();
parsesBefore = spans.parse.length;
const readMs = total('read');
const parseMs = total('parse');
const rules = timed('rules', () => runRulesDetailed(graph, {}, analyzer.sourceOf()))();
const cpu = session ? (await post('Profiler.stop')).profile : undefined;
await new Promise((resolve) => setTimeout(resolve, 100)); // the gc entries arrive asynchronously

const gcIn = (pick) => gcs.filter((g) => pick(g.startTime)).reduce((s, g) => s + g.duration, 0);
const analyzeMs = total('analyze');
const rulesMs = total('rules');
const round = (x) => Math.round(x);
console.log(JSON.stringify({
  files: graph.files,
  routes: graph.apps.reduce((n, a) => n + a.routes.length, 0),
  findings: rules.findings.length,
  nodeStartMs: round(nodeStartMs),
  loadTsMorphMs: round(loadTsMorphMs),
  loadAnalyserMs: round(loadAnalyserMs),
  analyzeMs: round(analyzeMs),
  analyzeReadMs: round(readMs),
  analyzeParseMs: round(parseMs),
  analyzeParses: parsesBefore,
  analyzeOtherMs: round(analyzeMs - readMs - parseMs),
  rulesMs: round(rulesMs),
  rulesParseMs: round(total('parse') - parseMs),
  rulesParses: spans.parse.length - parsesBefore,
  gc: {
    count: gcs.length,
    loadMs: round(gcIn((s) => within('load', s))),
    parseMs: round(gcIn((s) => within('parse', s))),
    readMs: round(gcIn((s) => within('read', s))),
    analyzeMs: round(gcIn((s) => within('analyze', s))),
    rulesMs: round(gcIn((s) => within('rules', s))),
  },
  ...(cpu ? { profileSelfMs: bySource(cpu) } : {}),
}));

/** Self time of the profile (ms) by src/core folder and the top modules; TypeScript and node frames go to the src/core module that called them, parses to 'parse'. */
function bySource(p) {
  const modules = [];
  readFileSync(bundle, 'utf8').split('\n').forEach((line, i) => {
    const m = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(line);
    if (m) modules.push([i, m[1]]);
  });
  const moduleAt = (line) => {
    let lo = 0;
    let hi = modules.length - 1;
    let found = '(bundle prelude)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (modules[mid][0] <= line) (found = modules[mid][1]), (lo = mid + 1);
      else hi = mid - 1;
    }
    return found;
  };
  const bundleUrl = pathToFileURL(bundle).href;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const out = {};
  for (const [id, ms] of self) {
    let label;
    for (let cur = id; cur !== undefined && !label; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame;
      if (f.functionName === 'createSourceFile' && f.url.includes('typescript')) label = 'parse';
    }
    for (let cur = id; cur !== undefined && !label; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame;
      if (f.url === bundleUrl) label = moduleAt(f.lineNumber);
    }
    const f = byId.get(id).callFrame;
    label ??= f.functionName.startsWith('(') ? f.functionName : '(outside the analyser)';
    out[label] = (out[label] ?? 0) + ms;
  }
  const sorted = (o) => Object.fromEntries(Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v)]));
  const byFolder = {};
  for (const [k, v] of Object.entries(out)) {
    const folder = /^(src\/core\/[^/]+\/|node_modules\/(?:@[^/]+\/)?[^/]+\/)/.exec(k)?.[1] ?? k;
    byFolder[folder] = (byFolder[folder] ?? 0) + v;
  }
  return { byFolder: sorted(byFolder), topModules: Object.fromEntries(Object.entries(sorted(out)).slice(0, 15)) };
}
