import * as posix from 'node:path/posix';
import type { Analyzer, AnalyzeOptions, FileChange } from '../analyze';
import type { Host } from '../host';
import type { WorkspaceGraph } from '../model';
import type { SourceOf } from '../rules';
import { analyserVersion } from './analyser-version';
import { cacheFileOf, CACHE_FORMAT, readCacheFile, writeCacheFile, type CacheRecord } from './cache-file';
import { checkInputs, recordingHost } from './recording-host';
import { lineStartsOf } from './line-starts';

export interface WarmCacheSettings {
  /** Folder of the cache files; never inside the workspace (such a folder turns the cache off). */
  dir: string;
  /** Where problems go (a cache that cannot be written, a corrupt file): one line each. */
  log?: (line: string) => void;
  /** The analyser version to write and expect (tests); default `analyserVersion()`. */
  analyserVersion?: string;
}

/**
 * An `Analyzer` whose first `analyze()` may come from the on-disk cache: when every file,
 * folder listing, stat and realpath the last full analysis read answers the same now, its graph is
 * returned without parsing anything (`fromCache`). Otherwise a full analysis runs, recording its
 * inputs, and `save()` writes them with the graph. Later calls (`applyChanges`, `update`,
 * `rescan`, `analyze` again) go to a real Analyzer, made on first use: after a warm start the
 * first of them is a full analysis.
 *
 * The analyser itself (and the TypeScript parser) is loaded only when needed, so a warm start
 * does not pay for loading them.
 */
export class CachedAnalyzer {
  readonly root: string;
  /** True while the graph served is the cached one (no analysis has run in this process). */
  fromCache = false;
  /** What happened with the cache on the first analysis, for a log line. */
  cacheStatus = 'not used';
  private inner: Analyzer | undefined;
  private record: CacheRecord | undefined;
  /** Texts of the files as checked on a warm start: what the cached graph was analysed from. */
  private texts: Map<string, string> | undefined;
  /** The record of the first full analysis, written by `save()` (gone after any change). */
  private unsaved: Omit<CacheRecord, 'rules'> | undefined;
  private readonly cacheFile: string | undefined;
  private readonly optionsKey: string;
  private readonly version: string;
  private first = true;
  /** What `sourceOf()` returns, made on the first call. */
  private sourceFns: SourceOf | undefined;

  constructor(
    root: string,
    private readonly host: Host,
    private readonly options: AnalyzeOptions = {},
    private readonly cache?: WarmCacheSettings,
  ) {
    this.root = posix.resolve(root);
    const o = options;
    this.optionsKey = JSON.stringify({ exclude: o.exclude ?? [], excludeGlobs: o.excludeGlobs ?? [], entries: o.entries ?? [], budget: o.budget ?? null, maxFileBytes: o.maxFileBytes ?? null });
    this.version = cache?.analyserVersion ?? (cache ? analyserVersion() : '');
    if (cache) {
      const dir = posix.resolve(cache.dir.replace(/\\/g, '/'));
      if (dir === this.root || dir.startsWith(`${this.root}/`)) {
        this.cacheStatus = 'off: the cache folder is inside the workspace';
        cache.log?.(`analysis cache ${this.cacheStatus} (${cache.dir})`);
      } else this.cacheFile = cacheFileOf(cache.dir, this.root, this.optionsKey);
    }
  }

  analyze(): WorkspaceGraph {
    if (!this.first) return this.analyzer().analyze();
    this.first = false;
    if (this.cacheFile) {
      const warm = this.load(this.cacheFile);
      if (warm) return warm;
      const recorder = recordingHost(this.host);
      this.inner = this.makeAnalyzer(recorder.host);
      const graph = this.inner.analyze();
      const inputs = recorder.finish();
      if (inputs) this.unsaved = { format: CACHE_FORMAT, analyser: this.version, root: this.root, options: this.optionsKey, inputs, graph };
      else this.cacheStatus += '; not saved: a file changed during the analysis';
      return graph;
    }
    return this.analyzer().analyze();
  }

  /** The rules' results saved with the cached graph for this `key` (a choice of severities), on a warm start. */
  cachedRules<T>(key: string): T | undefined {
    return this.fromCache && this.record?.rules?.key === key ? (this.record.rules.result as T) : undefined;
  }

  /**
   * Writes the first full analysis (with the rules' results on it, when given) to the cache, or
   * the new rules' results next to a cached graph. Call it before changing the graph object.
   * Never throws: a cache that cannot be written is logged and skipped.
   */
  save(rules?: { key: string; result: unknown }): void {
    if (!this.cacheFile) return;
    let record: CacheRecord;
    if (this.unsaved) record = { ...this.unsaved, rules };
    else if (this.fromCache && this.record && rules && this.record.rules?.key !== rules.key) record = { ...this.record, rules };
    else return;
    this.unsaved = undefined;
    this.record = record;
    const problem = writeCacheFile(this.cacheFile, record);
    if (problem) this.cache?.log?.(`analysis cache ${problem}`);
  }

  applyChanges(changes: FileChange[]): WorkspaceGraph {
    this.first = false;
    return this.analyzer().applyChanges(changes);
  }

  update(file: string, text: string): WorkspaceGraph {
    return this.applyChanges([{ file, text }]);
  }

  rescan(): WorkspaceGraph {
    this.first = false;
    return this.analyzer().rescan();
  }

  /** Runs the full analysis behind a warm start now (fills the parse cache), so the next change is an incremental one. */
  prepare(): void {
    if (this.fromCache) this.analyzer().analyze();
  }

  /** `Analyzer.keepForUpdates()` of the analysis behind the graph served (none yet after a warm start: `prepare()` first). */
  keepForUpdates(): void {
    this.inner?.keepForUpdates();
  }

  source(file: string): string | undefined {
    return this.fromCache ? this.texts?.get(file) : this.inner?.source(file);
  }

  /** `source` with the analyser's parsed trees and module resolution for fixes (neither while the graph is the cached one: nothing is parsed or linked). */
  sourceOf(): SourceOf {
    // One object per analyser, as `Analyzer.sourceOf()`: the rules keep per-route results by it.
    return (this.sourceFns ??= Object.assign((file: string) => this.source(file), {
      tree: (file: string) => (this.fromCache ? undefined : this.inner?.tree(file)),
      // No resolver while the graph is the cached one (nothing was linked): fixes asked through
      // FixesByFinding run prepare() first, so they follow imports as after a cold start.
      resolve: (fromFile: string, specifier: string) => (this.fromCache ? undefined : this.inner?.resolveModule(fromFile, specifier)),
    }));
  }

  lineStarts(file: string): readonly number[] | undefined {
    if (!this.fromCache) return this.inner?.lineStarts(file);
    const text = this.texts?.get(file);
    return text === undefined ? undefined : lineStartsOf(text);
  }

  /** The files `lineStarts` answers for. */
  lineStartFiles(): Iterable<string> {
    return this.fromCache ? (this.texts?.keys() ?? []) : (this.inner?.lineStartFiles() ?? []);
  }

  get parseCount(): number {
    return this.inner?.parseCount ?? 0;
  }

  /** The real analyser; from here on the cached graph is no longer what is served. */
  private analyzer(): Analyzer {
    this.unsaved = undefined;
    this.fromCache = false;
    this.texts = undefined;
    return (this.inner ??= this.makeAnalyzer(this.host));
  }

  private makeAnalyzer(host: Host): Analyzer {
    // Loaded on first use: a warm start never loads the analyser and its parser.
    const { Analyzer: AnalyzerClass } = require('../analyze') as typeof import('../analyze');
    return new AnalyzerClass(this.root, host, this.options);
  }

  private load(file: string): WorkspaceGraph | undefined {
    const record = readCacheFile(file, { analyser: this.version, root: this.root, options: this.optionsKey });
    if ('unusable' in record) {
      this.cacheStatus = `miss: cache ${record.unusable}`;
      if (/corrupt|unreadable/.test(record.unusable)) this.cache?.log?.(`analysis cache ignored: ${record.unusable} (${file})`);
      return undefined;
    }
    const check = checkInputs(this.host, record.inputs);
    if (!check.same) {
      this.cacheStatus = `miss: ${check.difference}`;
      return undefined;
    }
    this.cacheStatus = 'warm start from cache';
    this.fromCache = true;
    this.record = record;
    this.texts = check.texts;
    return record.graph;
  }
}
