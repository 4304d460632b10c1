// The editor side of an update, as the extension runs it, in one process: after each edit of the
// edit script (bench/edits.mjs) and the rules, the worker's part — the view graph, the line starts
// and findings that changed, the graph message by reference to the one before (graph-post.ts), its
// structured-clone serialisation — and the extension host's part — deserialising the message,
// putting the graph back together (graph-patch.ts), indexing it (GraphIndex) — timed apart, with
// the message's size. Not timed: after every edit the graph the host has is compared (JSON) with the
// worker's view graph. Prints one JSON line.
// Usage: node bench/editor-path.mjs <core.cjs> <dir> <targets.json> <scratch> [edits]
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deserialize } from 'node:v8';
import { applyEdit, editScript, freshCopy } from './edits.mjs';
import { workerPart } from './worker-part.mjs';

const [bundle, dir, targetsFile, scratch, count] = process.argv.slice(2);
const M = createRequire(import.meta.url)(bundle);
const script = editScript(JSON.parse(readFileSync(targetsFile, 'utf8')), { count: Number(count) || 54 });

freshCopy(dir, scratch);
const analyzer = new M.Analyzer(scratch, M.createNodeHost());
const workerPost = workerPart(M, analyzer);
const patcher = new M.GraphPatcher();
const worker = [];
const host = [];
const sizes = [];
let equal = true;

/** One graph through the editor path; `timed` records its times. */
function post(graph, timed) {
  const rules = M.runRulesDetailed(graph, {}, analyzer.sourceOf());
  let t = process.hrtime.bigint();
  const { view, bytes } = workerPost(graph, rules);
  const w = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  const got = patcher.apply(deserialize(bytes).graph);
  new M.GraphIndex(got);
  const h = Number(process.hrtime.bigint() - t) / 1e6;
  if (timed) {
    worker.push(w);
    host.push(h);
    sizes.push(bytes.length / 1048576);
  }
  if (equal && JSON.stringify(got) !== JSON.stringify(view)) equal = false;
}

post(analyzer.analyze(), false);
// Idle after answering, the worker links once more to keep module top levels (not timed).
analyzer.keepForUpdates();
for (const edit of script) post(analyzer.applyChanges([applyEdit(scratch, edit)]), true);
rmSync(scratch, { recursive: true, force: true });

const rank = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)];
};
console.log(JSON.stringify({ edits: worker.length, workerP50Ms: rank(worker, 0.5), workerP95Ms: rank(worker, 0.95), hostP50Ms: rank(host, 0.5), hostP95Ms: rank(host, 0.95), messageMbP50: rank(sizes, 0.5), messageMbP95: rank(sizes, 0.95), hostEqualsWorker: equal }));
