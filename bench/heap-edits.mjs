// The retained heap over many consecutive edits, in one process as the extension's worker runs
// them (run under --expose-gc): a cold analyze + every rule on a scratch copy of the workspace, then
// `count` edits, each written to disk, given to Analyzer.applyChanges and followed by every rule.
// The edits are those of the edit script (bench/edits.mjs, six kinds) in turn, each followed by its
// undo, which counts as an edit too: after an even number of edits the files are the starting ones.
// The heap (bench/heap.mjs, minus a baseline taken after loading, as bench/cold.mjs) is sampled
// after the cold index and every count/10 edits (an even number, so every sample sees the starting
// files); growthMb = the last sample minus the first one after edits (the first tenth lets what is
// built once, such as the parses of the files the script adds, settle). At the end the graph and
// the findings must be the cold index's (hashes of their JSON): backToStart.
// With --unsampled the heap is sampled only after the cold index, after the first tenth and after
// the last edit, with no forced collection in between: the heap as a process that runs the edits
// on V8's own collections keeps it (weak maps' tables, sized by what died between two full
// collections, are counted; sampling every tenth collects them ten times as often).
// With --worker each graph also goes through the worker's part of an update (bench/worker-part.mjs:
// the view graph, the message by reference to the one before, the findings and line starts sent),
// whose state is then in the heap measured, as in the extension's worker.
// Prints {edits, samples: [[edits, MB]], growthMb, backToStart, p50Ms}.
// Usage: node --expose-gc bench/heap-edits.mjs <core.cjs> <dir> <targets.json> <scratch> <count> [--unsampled] [--worker]
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { applyUndoableEdit, editScript, freshCopy } from './edits.mjs';
import { retainedMb } from './heap.mjs';
import { workerPart } from './worker-part.mjs';

const [bundle, dir, targetsFile, scratch, countArg, ...modes] = process.argv.slice(2);
const unsampled = modes.includes('--unsampled');
const count = Number(countArg);
if (!Number.isInteger(count) || count < 20 || count % 20) throw new Error(`heap-edits: the number of edits must be a positive multiple of 20, not '${countArg}'`);
const step = count / 10;
const M = createRequire(import.meta.url)(bundle);
const { Analyzer, createNodeHost, runRulesDetailed } = M;
createRequire(import.meta.url)('ts-morph'); // loaded in the baseline, as in bench/cold.mjs
const script = editScript(JSON.parse(readFileSync(targetsFile, 'utf8')));
const hash = (x) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

freshCopy(dir, scratch);
const before = retainedMb();
const analyzer = new Analyzer(scratch, createNodeHost());
let graph = analyzer.analyze();
let rules = runRulesDetailed(graph, {}, analyzer.sourceOf());
const post = modes.includes('--worker') ? workerPart(M, analyzer) : () => {};
post(graph, rules);
const start = { graph: hash(graph), findings: hash(rules.findings) };
const samples = [[0, retainedMb() - before]];
// Then, as the worker once its answer is posted, the link that keeps module top levels.
analyzer.keepForUpdates();
const times = [];

function edit(change) {
  const t = process.hrtime.bigint();
  graph = analyzer.applyChanges([change]);
  rules = runRulesDetailed(graph, {}, analyzer.sourceOf());
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
  post(graph, rules);
  if (times.length % step === 0 && (!unsampled || times.length === step || times.length === count)) samples.push([times.length, retainedMb() - before]);
}
for (let i = 0; times.length < count; i++) {
  const { change, undo } = applyUndoableEdit(scratch, script[i % script.length]);
  edit(change);
  edit(undo());
}
const backToStart = hash(graph) === start.graph && hash(rules.findings) === start.findings;
rmSync(scratch, { recursive: true, force: true });

const sorted = [...times].sort((a, b) => a - b);
console.log(JSON.stringify({ edits: times.length, samples, growthMb: samples.at(-1)[1] - samples[1][1], backToStart, p50Ms: sorted[Math.ceil(sorted.length / 2) - 1] }));
