/**
 * Messages between the extension host and the analysis worker (plain data, structured-cloned).
 * The host sends one analysis (`analyze`, `change`) at a time and keeps newer edits until the
 * answer comes, so a graph always belongs to the newest analysis sent. A `fixes` request (the
 * quick fixes of findings, which the graph's findings do not carry) may be sent at any time, with
 * its own numbering: the worker answers it after the analysis before it, for the graph it then
 * serves.
 */
import type { Finding, Fix, Severity } from '../../core/rules/types';
import type { FindingsUpdate } from './findings-sent';
import type { PostedGraph } from './graph-ref';
import type { LineStartsUpdate } from './line-starts-sent';

export interface WorkerSettings {
  /** Absolute, forward-slash path of the workspace folder. */
  root: string;
  excludeGlobs: string[];
  /** Absolute entry files. */
  entries: string[];
  maxFileBytes: number;
  /**
   * Folder of the warm-start cache (the extension's storage folder, never inside the workspace);
   * absent: no cache.
   */
  cacheDir?: string;
  /** Severity per rule id, from `fastifyLens.rules` (missing: the rule's default). */
  rules: Record<string, Severity>;
}

export interface EditedFile {
  file: string;
  /** Unsaved editor text; undefined: read the file from disk (saved, reverted, created, deleted). */
  text?: string;
}

export type ToWorker =
  | { type: 'analyze'; seq: number; settings: WorkerSettings }
  | { type: 'change'; seq: number; changes: EditedFile[] }
  /** The quick fixes of these findings (copies of the served graph's, matched by rule, place and message). */
  | { type: 'fixes'; seq: number; findings: Finding[] };

/** The graph of an analysis, as the views need it. */
export interface ViewsAnswer {
  seq: number;
  graph: PostedGraph;
  lineStarts: LineStartsUpdate[];
  stats: AnalysisStats;
}

/** The rules' results on that graph. */
export interface RulesAnswer {
  findings: FindingsUpdate;
  failedRules: string[];
  ruleNotes: string[];
}

export interface AnalysisStats {
  ms: number;
  files: number;
  parses: number;
  /** True for a full analysis from a new scan; false for an update. */
  full: boolean;
  /** Full analyses with a cache folder: what happened with the cache (warm start, or why not; problems). */
  cache?: string;
}

export type FromWorker =
  /**
   * Spans carry offsets, no `range`: `lineStarts` has the line starts of the files whose lines
   * changed since the graph before (all files after an `analyze`), for the host to place them.
   * `findings`: the rules' findings of the files whose findings changed (all after an `analyze`).
   * `graph` refers to the contexts and routes of the graph posted before (graph-post.ts); the
   * host applies every graph message, in order (`GraphPatcher`).
   */
  | ({ type: 'graph' } & ViewsAnswer & RulesAnswer)
  /**
   * A full analysis whose rules must run (not a warm start): the graph goes first, so the views
   * show while the rules run, and a `rules` message of the same `seq` follows. The analysis is
   * the host's request in flight until then.
   */
  | ({ type: 'views' } & ViewsAnswer)
  | ({ type: 'rules' } & RulesAnswer & { seq: number; ms: number })
  | { type: 'failed'; seq: number; message: string }
  /** Lines for the log from work done after an answer (the warm-start cache write), by the analysis `seq`. */
  | { type: 'log'; seq: number; lines: string[] }
  /**
   * Per finding asked, in order: its fixes with their ranges filled in, or undefined when the served
   * graph has no such finding (it changed since) or its fixes failed (`failedRules` says why).
   */
  | { type: 'fixes'; seq: number; fixes: (Fix[] | undefined)[]; failedRules: string[] };
