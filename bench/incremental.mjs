// Incremental updates in one process, as the extension's worker runs them: a cold analyze (and the
// link the worker runs while idle after it, keepForUpdates: not timed), then the edit script
// (bench/edits.mjs) on a scratch copy of the workspace, each edit written to disk and given to
// Analyzer.applyChanges, followed by every rule; graph + rules are timed per edit.
// Not timed: after the first edit of each kind and after the last one, the incremental graph is
// compared (JSON) with a fresh full analysis of the files as they are then (a kind that breaks is
// named at once: each update relinks from the files, so a later edit can hide an earlier miss), and
// so are the rules' findings and notes on it with those on the fresh graph (the rules reuse
// per-route results across updates: src/core/rules/route-memo.ts);
// when only the final graph differs, each edit kind is replayed alone on a new copy to name the
// kinds that break it. Prints one JSON line: p50 and p95 over every edit, and steadyP95Ms, the p95
// of the edits after the first WARM_UP (the first edits of a process run while V8 still compiles
// the update's code: 1.5-2.5x the later ones, in CPU time too; ARCHITECTURE.md).
// Usage: node bench/incremental.mjs <core.cjs> <dir> <targets.json> <scratch> [edits]
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { applyEdit, EDIT_KINDS, editScript, freshCopy } from './edits.mjs';

const [bundle, dir, targetsFile, scratch, count] = process.argv.slice(2);
const { Analyzer, createNodeHost, runRulesDetailed } = createRequire(import.meta.url)(bundle);
const script = editScript(JSON.parse(readFileSync(targetsFile, 'utf8')), { count: Number(count) || 54 });

const countRoutes = (g) => g.apps.reduce((n, a) => n + a.routes.length, 0);
let routesBefore = 0;

/** The rules' findings and notes, as data. */
const rulesOf = (r) => ({ findings: r.findings, notes: r.notes });

/** Cold analyze, then `edits` one by one; returns the per-edit times, the last graph and its rules. */
function replay(edits, timed, checkpoint = () => {}) {
  freshCopy(dir, scratch);
  const analyzer = new Analyzer(scratch, createNodeHost());
  let graph = analyzer.analyze();
  routesBefore = countRoutes(graph);
  let rules = runRulesDetailed(graph, {}, analyzer.sourceOf());
  // What the worker does once its answer to a full analysis is posted (idle time, not an edit's).
  analyzer.keepForUpdates();
  const times = [];
  for (const edit of edits) {
    const change = applyEdit(scratch, edit);
    const start = process.hrtime.bigint();
    graph = analyzer.applyChanges([change]);
    rules = runRulesDetailed(graph, {}, analyzer.sourceOf());
    if (timed) times.push(Number(process.hrtime.bigint() - start) / 1e6);
    checkpoint(edit, graph, rules);
  }
  return { times, graph, rules };
}

/** The first JSON path where a and b differ, for the report. */
function firstDifference(a, b, path = '$') {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
}

/** The first difference between the graph and its rules and those of a fresh analysis of the files as they are now. */
function differs(graph, rules) {
  const analyzer = new Analyzer(scratch, createNodeHost());
  const fresh = analyzer.analyze();
  const freshRules = runRulesDetailed(fresh, {}, analyzer.sourceOf());
  const json = (x) => JSON.parse(JSON.stringify(x));
  return firstDifference(json({ graph, rules: rulesOf(rules) }), json({ graph: fresh, rules: rulesOf(freshRules) }));
}

const brokenKinds = [];
const checked = new Set();
const { times, graph, rules } = replay(script, true, (edit, g, r) => {
  if (checked.has(edit.kind)) return;
  checked.add(edit.kind);
  const d = differs(g, r);
  if (d) brokenKinds.push({ kind: edit.kind, difference: d });
});
const routes = [routesBefore, countRoutes(graph)];
const difference = differs(graph, rules);
if (difference && !brokenKinds.length) {
  for (const kind of EDIT_KINDS) {
    const r = replay(script.filter((e) => e.kind === kind), false);
    const d = differs(r.graph, r.rules);
    if (d) brokenKinds.push({ kind, difference: d });
  }
}
rmSync(scratch, { recursive: true, force: true });

const rank = (p, xs = times) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
};
/** Edits left out of steadyP95Ms: about how many a process takes to stop getting faster at 2,000 files. */
const WARM_UP = 12;
const kinds = Object.fromEntries(EDIT_KINDS.map((k) => [k, script.filter((e) => e.kind === k).length]));
console.log(JSON.stringify({ edits: times.length, kinds, p50Ms: rank(0.5), p95Ms: rank(0.95), steadyP95Ms: times.length >= 2 * WARM_UP ? rank(0.95, times.slice(WARM_UP)) : null, routes, equalsFull: !difference && !brokenKinds.length, difference, brokenKinds }));
