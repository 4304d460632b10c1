/**
 * The analyser in its own thread: the extension host only sends file changes and renders the
 * graphs that come back. One Analyzer per worker (one worker per workspace folder). Findings go
 * out without their quick fixes; the host asks for those of the findings under the cursor
 * (`fixes`), computed here against the graph served, which is the analyser's current analysis.
 */
import { parentPort } from 'node:worker_threads';
import { CachedAnalyzer } from '../../core/cache/cached-analyzer';
import type { WorkspaceGraph } from '../../core/model';
import { createNodeHost } from '../../core/node-host';
import { runRulesDetailed, type RunRulesResult } from '../../core/rules';
import { FixesByFinding } from '../../core/rules/fixes-by-finding';
import type { Fix, Severity } from '../../core/rules/types';
import { SentFindings } from './findings-sent';
import { GraphPoster } from './graph-post';
import { SentLineStarts } from './line-starts-sent';
import { locateSpans } from './locate-spans';
import { viewGraph } from './view-graph';
import type { FromWorker, ToWorker } from './protocol';

let analyzer: CachedAnalyzer | undefined;
let severities: Record<string, Severity> = {};
/** Cache problems of the current full analysis (a folder it cannot write…), for the log. */
let cacheProblems: string[] = [];
/** The fixes of the findings of the graph served (the analyser's current analysis); none while an analysis runs or after one failed. */
let served: FixesByFinding | undefined;
/** The line starts and the findings the extension host has. */
const lineStarts = new SentLineStarts();
const sentFindings = new SentFindings();
/** The contexts and routes the host has, from the graph posted last. */
const poster = new GraphPoster();
/** What is left of a full analysis once its answer is posted (the cache write). */
let afterAnswer: (() => void) | undefined;

/**
 * Answers one message. A full analysis whose rules must run posts its graph first (`views`, see
 * protocol.ts) through `post`, then answers with the rules' results; it writes the warm-start
 * cache after both (`afterAnswer`), so neither waits on the write.
 */
function run(msg: ToWorker, post: (m: FromWorker) => void): FromWorker {
  if (msg.type === 'fixes') return fixes(msg);
  served = undefined;
  const t0 = performance.now();
  let parsesBefore = 0;
  let graph: WorkspaceGraph;
  if (msg.type === 'analyze') {
    const s = msg.settings;
    severities = s.rules;
    cacheProblems = [];
    const cache = s.cacheDir ? { dir: s.cacheDir, log: (line: string) => cacheProblems.push(line) } : undefined;
    forgetWhatTheHostHas();
    analyzer = new CachedAnalyzer(s.root, createNodeHost(), { excludeGlobs: s.excludeGlobs, entries: s.entries, maxFileBytes: s.maxFileBytes }, cache);
    graph = analyzer.analyze();
  } else {
    if (!analyzer) return { type: 'failed', seq: msg.seq, message: 'change before the first analysis' };
    parsesBefore = analyzer.parseCount;
    graph = analyzer.applyChanges(msg.changes);
  }
  const a = analyzer;
  const full = msg.type === 'analyze';
  const rulesKey = `worker:${JSON.stringify(Object.entries(severities).sort(([x], [y]) => (x < y ? -1 : 1)))}`;
  const cached = full ? a.cachedRules<RunRulesResult>(rulesKey) : undefined;
  // The editor gets the graph without what only rules and fixes read (view-graph.ts), and the
  // line starts of the files that changed, to place spans itself.
  const starts = lineStarts.changed(a.lineStartFiles(), (file) => a.lineStarts(file));
  const views = () => ({
    seq: msg.seq,
    graph: poster.post(viewGraph(graph)),
    lineStarts: starts,
    stats: { ms: Math.round(performance.now() - t0), files: graph.files, parses: a.parseCount - parsesBefore, full, ...(full && msg.settings.cacheDir ? { cache: [a.cacheStatus, ...cacheProblems].join('; ') } : {}) },
  });
  const first = full && !cached ? views() : undefined;
  if (first) post({ type: 'views', ...first });
  // Rules read the finished graph, here off the editor's thread; one that throws is skipped.
  const t1 = performance.now();
  const rules = cached ?? runRulesDetailed(graph, severities, a.sourceOf());
  const { findings, failed, notes } = rules;
  // The cache keeps the core's graph and findings (spans without ranges).
  if (full) afterAnswer = () => a.save({ key: rulesKey, result: rules });
  served = new FixesByFinding(graph, severities, findings, a);
  const answer = { findings: sentFindings.update(findings, new Set(starts.map(([file]) => file))), failedRules: failed.map((f) => `${f.id}: ${f.error}`), ruleNotes: notes.map((n) => `${n.id}: ${n.message}`) };
  if (first) return { type: 'rules', seq: msg.seq, ms: Math.round(performance.now() - t1), ...answer };
  return { type: 'graph', ...views(), ...answer };
}

/** The fixes of the findings asked, with their ranges; a finding the served graph does not have (or whose fixes throw) gets undefined. */
function fixes(msg: Extract<ToWorker, { type: 'fixes' }>): FromWorker {
  const failedRules: string[] = [];
  const out = msg.findings.map((finding): Fix[] | undefined => {
    try {
      return served?.fixesFor(finding);
    } catch (e) {
      failedRules.push(`${finding.code}: ${(e as Error)?.message ?? String(e)}`);
      return undefined;
    }
  });
  const a = analyzer;
  if (a) locateSpans(out, (file) => a.lineStarts(file));
  return { type: 'fixes', seq: msg.seq, fixes: out, failedRules };
}

/** A new analyser, or an answer that may not have reached the host: the next graph goes whole, with every finding and line start. */
function forgetWhatTheHostHas(): void {
  poster.reset();
  sentFindings.reset();
  lineStarts.reset();
}

parentPort?.on('message', (msg: ToWorker) => {
  const post = (m: FromWorker) => parentPort?.postMessage(m);
  let reply: FromWorker;
  try {
    reply = run(msg, post);
  } catch (err) {
    const message = (err as Error)?.stack ?? String(err);
    forgetWhatTheHostHas();
    afterAnswer = undefined;
    // A `failed` answer is an analysis's: a fixes request that fails gets no fixes and says why.
    reply = msg.type === 'fixes' ? { type: 'fixes', seq: msg.seq, fixes: [], failedRules: [message] } : { type: 'failed', seq: msg.seq, message };
  }
  try {
    post(reply);
  } catch (err) {
    forgetWhatTheHostHas();
    post({ type: 'failed', seq: msg.seq, message: `the answer could not be posted: ${(err as Error)?.message ?? String(err)}` });
  }
  // Then the work the answer does not need, before the next message is read: the warm-start
  // cache write; after a warm start (nothing is parsed yet), the parse and link, while the editor
  // shows the cached graph, so that the first edit is an incremental update and not a full
  // analysis, and a change that arrives meanwhile always finds the analysis prepared; after any
  // full analysis, one more link that keeps the module top levels, so that the first edit costs
  // what the later ones do (Analyzer.keepForUpdates).
  const after = afterAnswer;
  afterAnswer = undefined;
  const logged = cacheProblems.length;
  try {
    after?.();
    if (msg.type === 'analyze' && analyzer) {
      if (analyzer.fromCache) analyzer.prepare();
      analyzer.keepForUpdates();
    }
  } catch {
    // the next change runs the full analysis itself and reports any failure
  }
  // What the cache write had to say (a folder it cannot write): the answer has gone already.
  if (cacheProblems.length > logged) post({ type: 'log', seq: msg.seq, lines: cacheProblems.slice(logged) });
});
