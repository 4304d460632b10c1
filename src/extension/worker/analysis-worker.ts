/**
 * The analyser in its own thread: the extension host only sends file changes and renders the
 * graphs that come back. One Analyzer per worker (one worker per workspace folder).
 */
import { parentPort } from 'node:worker_threads';
import { CachedAnalyzer } from '../../core/cache/cached-analyzer';
import type { WorkspaceGraph } from '../../core/model';
import { createNodeHost } from '../../core/node-host';
import { runRulesDetailed, type RunRulesResult } from '../../core/rules';
import type { Severity } from '../../core/rules/types';
import { locateSpans } from './locate-spans';
import type { FromWorker, ToWorker } from './protocol';

let analyzer: CachedAnalyzer | undefined;
let severities: Record<string, Severity> = {};
/** Cache problems of the current full analysis (a folder it cannot write…), for the log. */
let cacheProblems: string[] = [];

function run(msg: ToWorker): FromWorker {
  const t0 = performance.now();
  const parsesBefore = analyzer?.parseCount ?? 0;
  let graph: WorkspaceGraph;
  if (msg.type === 'analyze') {
    const s = msg.settings;
    severities = s.rules;
    cacheProblems = [];
    const cache = s.cacheDir ? { dir: s.cacheDir, log: (line: string) => cacheProblems.push(line) } : undefined;
    analyzer = new CachedAnalyzer(s.root, createNodeHost(), { excludeGlobs: s.excludeGlobs, entries: s.entries, maxFileBytes: s.maxFileBytes }, cache);
    graph = analyzer.analyze();
  } else {
    if (!analyzer) return { type: 'failed', seq: msg.seq, message: 'change before the first analysis' };
    graph = analyzer.applyChanges(msg.changes);
  }
  const a = analyzer;
  // Rules read the finished graph, here off the editor's thread; one that throws is skipped.
  const rulesKey = `worker:${JSON.stringify(Object.entries(severities).sort(([x], [y]) => (x < y ? -1 : 1)))}`;
  const rules = (msg.type === 'analyze' ? a.cachedRules<RunRulesResult>(rulesKey) : undefined) ?? runRulesDetailed(graph, severities, a.sourceOf());
  const { findings, failed, notes } = rules;
  // Written before locateSpans adds ranges to the graph (the cache keeps the core's graph).
  if (msg.type === 'analyze') a.save({ key: rulesKey, result: rules });
  locateSpans(graph, (file) => a.lineStarts(file));
  locateSpans(findings, (file) => a.lineStarts(file));
  const stats = { ms: Math.round(performance.now() - t0), files: graph.files, parses: a.parseCount - (msg.type === 'analyze' ? 0 : parsesBefore), full: msg.type === 'analyze', ...(msg.type === 'analyze' && msg.settings.cacheDir ? { cache: [a.cacheStatus, ...cacheProblems].join('; ') } : {}) };
  return { type: 'graph', seq: msg.seq, graph, findings, failedRules: failed.map((f) => `${f.id}: ${f.error}`), ruleNotes: notes.map((n) => `${n.id}: ${n.message}`), stats };
}

/** After a warm start: the full analysis still to run (at the next idle moment, or before the next change). */
let pendingPrepare: (() => void) | undefined;

parentPort?.on('message', (msg: ToWorker) => {
  // A change that arrives before the idle moment finds the folder parsed all the same.
  if (msg.type === 'change') pendingPrepare?.();
  pendingPrepare = undefined;
  let reply: FromWorker;
  try {
    reply = run(msg);
  } catch (err) {
    reply = { type: 'failed', seq: msg.seq, message: (err as Error)?.stack ?? String(err) };
  }
  parentPort?.postMessage(reply);
  // After a warm start nothing is parsed yet: parse and link now, while the editor shows the
  // cached graph, so that the first edit is an incremental update and not a full analysis.
  const warm = analyzer;
  if (msg.type === 'analyze' && warm?.fromCache) {
    const prepare = () => {
      pendingPrepare = undefined;
      try {
        if (warm === analyzer && warm.fromCache) warm.prepare();
      } catch {
        // the next change runs the full analysis itself and reports any failure
      }
    };
    pendingPrepare = prepare;
    setImmediate(() => pendingPrepare === prepare && prepare());
  }
});
