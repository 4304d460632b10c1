// The fuzzer's analysis thread: one Analyzer per fixture, kept between runs (the parse cache makes
// a run cost one re-parse and one link). Each run puts the mutated text in the analyzer's overlay
// (the previously mutated file goes back to its text on disk), links, runs every rule and checks
// the result. The main thread times each run and terminates this thread when one runs over.
import { parentPort } from 'node:worker_threads';
import { Analyzer } from '../../src/core/analyze';
import type { WorkspaceGraph } from '../../src/core/model';
import { createNodeHost } from '../../src/core/node-host';
import { fixesOf, runRulesDetailed } from '../../src/core/rules/index';
import { graphProblems } from './graph-checks';
import type { FromWorker, Problem, RunRequest } from './protocol';

const host = createNodeHost();
const CODE = /\.(?:[cm]?[jt]sx?)$/;

interface FixtureState {
  analyzer: Analyzer;
  /** The file now in the overlay, if any. */
  mutated?: string;
}
const fixtures = new Map<string, FixtureState>();

const post = (m: FromWorker) => parentPort!.postMessage(m);

/** Analysis + rules + checks of the graph, every problem named. */
function check(analyzer: Analyzer, graph: WorkspaceGraph, textOf: (f: string) => string | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const u of graph.unresolved) {
    if (/internal error/i.test(u.reason)) problems.push({ kind: 'internal-error', detail: `${u.span ? `${u.span.file}:${u.span.line}` : (u.file ?? '?')} ${u.reason}` });
  }
  const rules = runRulesDetailed(graph, {}, analyzer.sourceOf());
  for (const f of rules.failed) problems.push({ kind: 'rule-failed', detail: `${f.id}: ${f.error}` });
  // Fixes are computed when asked (the light bulb, check --fix): ask for every one, as an editor could.
  const fixes = rules.findings.map((f) => {
    try {
      return fixesOf(f) ?? [];
    } catch (e) {
      problems.push({ kind: 'rule-failed', detail: `${f.code} (its quick fixes): ${(e as Error)?.stack ?? String(e)}` });
      return [];
    }
  });
  for (const p of graphProblems(graph, rules.findings, textOf, fixes)) problems.push({ kind: 'malformed', detail: p });
  return problems;
}

function prepare(root: string): { state: FixtureState; problems: Problem[] } {
  let state = fixtures.get(root);
  if (state) return { state, problems: [] };
  const analyzer = new Analyzer(root, host);
  state = { analyzer };
  fixtures.set(root, state);
  // The unmutated fixture must pass the same checks, or every failure of the run would be noise.
  const problems = check(analyzer, analyzer.analyze(), (f) => host.readFile(f)).map((p) => ({ kind: 'baseline' as const, detail: `${p.kind}: ${p.detail}` }));
  return { state, problems };
}

function run(req: RunRequest): { problems: Problem[]; ms: number } {
  const { state, problems } = prepare(req.root);
  post({ type: 'started', index: req.index });
  const t0 = performance.now();
  try {
    const changes: { file: string; text?: string }[] = [];
    if (state.mutated && state.mutated !== req.file) changes.push({ file: state.mutated });
    changes.push({ file: req.file, text: req.text });
    // package.json, tsconfig, .env… are read by the scan: a change to one needs a new scan.
    const configChanged = !CODE.test(req.file) || (state.mutated !== undefined && !CODE.test(state.mutated));
    state.mutated = req.file;
    let graph = state.analyzer.applyChanges(changes);
    if (configChanged) graph = state.analyzer.rescan();
    problems.push(...check(state.analyzer, graph, (f) => (f === req.file ? req.text : host.readFile(f))));
  } catch (e) {
    const err = e as Error;
    problems.push({ kind: 'exception', detail: err?.stack ?? String(e) });
    // The analyzer may be half-updated: the next run of this fixture starts from a new one.
    fixtures.delete(req.root);
  }
  return { problems, ms: performance.now() - t0 };
}

parentPort!.on('message', (req: RunRequest) => {
  post({ type: 'done', index: req.index, ...run(req) });
});
post({ type: 'ready' });
