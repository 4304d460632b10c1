// The worker's part of an update, as src/extension/worker/analysis-worker.ts runs it after the
// rules: the view graph, the line starts and findings that changed since the last message, the
// graph message by reference to the one before (graph-post.ts), and its structured-clone bytes.
// It keeps what the worker keeps from one message to the next (the last graph posted, the
// findings and line starts sent), so that the benchmark measures that state's time
// (bench/editor-path.mjs) and its memory over edits (bench/heap-edits.mjs --worker).
import { serialize } from 'node:v8';

/** `M`: the benchmark's core bundle (bench/core.mjs). Returns post(graph, rules) → {view, bytes}. */
export function workerPart(M, analyzer) {
  const lineStarts = new M.SentLineStarts();
  const findings = new M.SentFindings();
  const poster = new M.GraphPoster();
  return (graph, rules) => {
    const view = M.viewGraph(graph);
    const starts = lineStarts.changed(analyzer.lineStartFiles(), (f) => analyzer.lineStarts(f));
    const message = { graph: poster.post(view), findings: findings.update(rules.findings, new Set(starts.map(([f]) => f))), lineStarts: starts };
    return { view, bytes: serialize(message) };
  };
}
