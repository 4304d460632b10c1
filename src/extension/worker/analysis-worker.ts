/**
 * The analyser in its own thread: the extension host only sends file changes and renders the
 * graphs that come back. One Analyzer per worker (one worker per workspace folder).
 */
import { parentPort } from 'node:worker_threads';
import { Analyzer } from '../../core/analyze';
import type { WorkspaceGraph } from '../../core/model';
import { createNodeHost } from '../../core/node-host';
import { runRulesDetailed } from '../../core/rules';
import type { Severity } from '../../core/rules/types';
import { locateSpans } from './locate-spans';
import type { FromWorker, ToWorker } from './protocol';

let analyzer: Analyzer | undefined;
let severities: Record<string, Severity> = {};

function run(msg: ToWorker): FromWorker {
  const t0 = performance.now();
  const parsesBefore = analyzer?.parseCount ?? 0;
  let graph: WorkspaceGraph;
  if (msg.type === 'analyze') {
    const s = msg.settings;
    severities = s.rules;
    analyzer = new Analyzer(s.root, createNodeHost(), { excludeGlobs: s.excludeGlobs, entries: s.entries, maxFileBytes: s.maxFileBytes });
    graph = analyzer.analyze();
  } else {
    if (!analyzer) return { type: 'failed', seq: msg.seq, message: 'change before the first analysis' };
    graph = analyzer.applyChanges(msg.changes);
  }
  const a = analyzer;
  // Rules read the finished graph, here off the editor's thread; one that throws is skipped.
  const { findings, failed, notes } = runRulesDetailed(graph, severities, a.sourceOf());
  locateSpans(graph, (file) => a.lineStarts(file));
  locateSpans(findings, (file) => a.lineStarts(file));
  const stats = { ms: Math.round(performance.now() - t0), files: graph.files, parses: a.parseCount - (msg.type === 'analyze' ? 0 : parsesBefore), full: msg.type === 'analyze' };
  return { type: 'graph', seq: msg.seq, graph, findings, failedRules: failed.map((f) => `${f.id}: ${f.error}`), ruleNotes: notes.map((n) => `${n.id}: ${n.message}`), stats };
}

parentPort?.on('message', (msg: ToWorker) => {
  let reply: FromWorker;
  try {
    reply = run(msg);
  } catch (err) {
    reply = { type: 'failed', seq: msg.seq, message: (err as Error)?.stack ?? String(err) };
  }
  parentPort?.postMessage(reply);
});
