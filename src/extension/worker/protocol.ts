/**
 * Messages between the extension host and the analysis worker (plain data, structured-cloned).
 * The host sends one request at a time and keeps newer edits until the answer comes, so an
 * answer always belongs to the newest request sent.
 */
import type { WorkspaceGraph } from '../../core/model';
import type { Finding, Severity } from '../../core/rules/types';

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
  | { type: 'change'; seq: number; changes: EditedFile[] };

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
  | { type: 'graph'; seq: number; graph: WorkspaceGraph; findings: Finding[]; failedRules: string[]; ruleNotes: string[]; stats: AnalysisStats }
  | { type: 'failed'; seq: number; message: string };
