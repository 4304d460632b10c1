import * as posix from 'node:path/posix';
import type { ts } from 'ts-morph';
import { BodyFactsCache } from './facts/function-body';
import { ParseCache } from './facts/parse';
import type { Host } from './host';
import { Linker, resolveKey, type LinkOptions } from './link/linker';
import { keptModules, resolutionsOf, resolvedOtherwise, type LinkedModules, type Resolutions } from './link/replay/kept-modules';
import { barrier } from './link/replay/ownership';
import { PluginRuns, type PluginRun, type ReplayStats } from './link/replay/plugin-runs';
import { answeringHost, liveAnswer, watchedHost, type LiveRead } from './link/replay/watched-host';
import { findRoots } from './link/roots';
import type { SourceOf } from './rules';
import type { AppGraph, WorkspaceGraph } from './model';
import { collectTestCalls } from './tests/test-calls';
import { CachedHost } from './workspace/cached-host';
import { excludingHost } from './workspace/exclude';
import { createResolver, type Resolver } from './workspace/resolve';
import { innermostProject, isSourceFile, scanWorkspace, type WorkspaceScan } from './workspace/scan';

export interface AnalyzeOptions extends LinkOptions {
  /** Extra folder names to skip while scanning. */
  exclude?: string[];
  /** Glob patterns, relative to the root, of files and folders to skip while scanning. */
  excludeGlobs?: string[];
  /** Extra entry files (absolute): root plugins loaded the way `fastify start <file>` loads them. */
  entries?: string[];
}

/** New text for a file (an unsaved editor buffer), or `text: undefined` to read it from disk again. */
export interface FileChange {
  /** The file's path; a relative one is taken from the current directory, as the analyser's root is. */
  file: string;
  text?: string;
}

/**
 * The analyser of one workspace folder. `analyze()` builds the graph; `update()` takes one
 * changed file and rebuilds, re-parsing only that file (parses are cached by content).
 */
export class Analyzer {
  private scan: WorkspaceScan | undefined;
  private readonly parseCache = new ParseCache();
  /** Handler and hook body facts by function node, kept across updates (see `BodyFactsCache`). */
  private readonly bodyFacts = new BodyFactsCache();
  private readonly overlay = new Map<string, string>();
  /** What `sourceOf()` returns, made on the first call. */
  private sourceFns: SourceOf | undefined;
  /** The resolver of the last link, for fixes that follow a file's imports (`sourceOf().resolve`). */
  private resolver: Resolver | undefined;
  /** Plugin runs recorded by the last link, replayed by the next one where their inputs did not change (link/replay/plugin-runs.ts). */
  private runs: Map<ts.Node, PluginRun[]> | undefined;
  /**
   * The last link's modules, those whose top levels the next link may keep (link/replay/kept-modules.ts).
   * Kept from the first update on: an analyser that only analyses once (the CLI) does not hold them.
   */
  private modules: LinkedModules | undefined;
  /** Whether the analyser was updated (`applyChanges`) since it was made: its links keep their modules. */
  private updated = false;
  /** The last link's module resolutions, checked again when files come or go (`resolvedOtherwise`). */
  private resolutions: Resolutions | undefined;
  /** The marks the last link set on plugin functions from outside (`Linker.outsideMarks`). */
  private outsideMarks: readonly string[] = [];
  /** What the last link's app asked the live file system outside every plugin run (`PluginRuns.outsideLive`). */
  private outsideLive: LiveRead[] = [];
  /** Source files changed since the last link. */
  private readonly changedSince = new Set<string>();
  /** The file set changed since the last link (module resolutions are checked again). */
  private rescannedSince = false;
  /** What the last link recorded and replayed. */
  replayStats: ReplayStats & { keptModules?: number; unsound?: string; relinked?: boolean } = { recorded: 0, replayed: 0, notRecorded: {} };

  readonly root: string;

  /** The disk as the analysis reads it, remembered across updates (see `applyChanges`). */
  private readonly host: CachedHost;
  /** The disk read live: for what the analysed app itself lists or stats (`fs.*`, awilix and fastify-decorators globs), which may be any file, not only those the editor reports. */
  private readonly liveHost: Host;

  constructor(
    root: string,
    host: Host,
    private readonly options: AnalyzeOptions = {},
  ) {
    // Module paths are absolute; a relative root would give every file two identities.
    this.root = posix.resolve(root);
    this.liveHost = excludingHost(host, this.root, options.excludeGlobs ?? []);
    this.host = new CachedHost(this.liveHost);
  }

  analyze(): WorkspaceGraph {
    this.scan ??= this.scanNow();
    return this.link(this.scan);
  }

  /** New text for one file (saved or not); a file the scan did not know is added. */
  update(file: string, text: string): WorkspaceGraph {
    return this.applyChanges([{ file, text }]);
  }

  /**
   * Several changes, one new graph. Every change on disk since the last graph must be given here
   * (or to `rescan()`): what was read from disk is remembered, and only the changed paths (with
   * the listings of the folders above them) are read again. A source file the scan did not know,
   * or a known one gone from disk, makes a new scan (parses stay cached).
   */
  applyChanges(given: FileChange[]): WorkspaceGraph {
    // Paths made as the root is (the scan's paths come from it): a relative one would match no file.
    const changes = given.map((c) => ({ ...c, file: posix.resolve(c.file) }));
    const scan = (this.scan ??= this.scanNow());
    this.updated = true;
    const known = new Set(scan.files.map((f) => f.path));
    this.host.invalidate(changes.map((c) => c.file));
    let rescan = false;
    for (const c of changes) {
      this.changedSince.add(c.file);
      // Not code (a JSON module, .env, package.json): what read it is not tracked, nothing replays.
      if (!isSourceFile(c.file)) this.forget();
      if (c.text !== undefined) this.overlay.set(c.file, c.text);
      else this.overlay.delete(c.file);
      if (!isSourceFile(c.file) && !known.has(c.file)) continue; // data (a JSON module): read again, no new scan
      const exists = c.text !== undefined || this.host.stat(c.file) === 'file';
      if (exists !== known.has(c.file)) rescan = true;
    }
    if (rescan) {
      this.scan = this.scanNow();
      this.rescannedSince = true;
    }
    return this.link(this.scan);
  }

  /**
   * Links once more with nothing changed, keeping what an update keeps: an analyser keeps module
   * top levels from its first update on (`analyze()` alone holds none: the CLI, a cold index), so
   * without this the first update evaluates every module again. For idle time after a full
   * analysis (the worker calls it once its answer is posted): the next update then costs what the
   * later ones do. The graph it makes equals the last one and is not returned. Nothing once the
   * analyser was updated, or before its first analysis.
   */
  keepForUpdates(): void {
    if (!this.updated && this.scan) this.applyChanges([]);
  }

  /** A deleted or renamed file, or a new folder: scan again, everything read from disk again (parses stay cached). */
  rescan(): WorkspaceGraph {
    this.host.clear();
    this.forget();
    this.scan = this.scanNow();
    return this.link(this.scan);
  }

  /** What the next link would reuse of the last (plugin runs, module top levels): nothing. */
  private forget(): void {
    this.runs = undefined;
    this.modules = undefined;
    this.resolutions = undefined;
  }

  /** The text a parsed file was analysed from (an unsaved overlay included), if it was parsed. */
  source(file: string): string | undefined {
    return this.parseCache.peek(file)?.getFullText();
  }

  /**
   * `source` with the parsed trees and module resolution, for the rules (`runRules(graph, severities, analyzer.sourceOf())`).
   * One object per Analyzer (it answers for the analyser's current state): the rules keep per-route
   * results by it across updates (rules/route-memo.ts).
   */
  sourceOf(): SourceOf {
    return (this.sourceFns ??= Object.assign((file: string) => this.source(file), { tree: (file: string) => this.tree(file), resolve: (fromFile: string, specifier: string) => this.resolveModule(fromFile, specifier) }));
  }

  /** The workspace file an import specifier names, resolved as the linker resolves it; undefined for packages, builtins and missing files. */
  resolveModule(fromFile: string, specifier: string): string | undefined {
    const r = this.resolver?.resolve(fromFile, specifier);
    return r?.kind === 'file' ? r.path : undefined;
  }

  /** The tree a file was parsed into, if it was parsed. */
  tree(file: string): ts.SourceFile | undefined {
    return this.parseCache.peek(file);
  }

  /** Offsets where the lines of a parsed file start (for offset → line/column), if it was parsed. */
  lineStarts(file: string): readonly number[] | undefined {
    return this.parseCache.peek(file)?.getLineStarts();
  }

  /** The files `lineStarts` answers for (every file parsed): the files any span of a graph can name. */
  lineStartFiles(): Iterable<string> {
    return this.parseCache.paths();
  }

  private scanNow(): WorkspaceScan {
    const scan = scanWorkspace(this.root, this.overlayHost(), { exclude: this.options.exclude });
    for (const entry of this.options.entries ?? []) {
      const project = innermostProject(scan.projects, entry);
      if (!project) scan.unresolved.push({ file: entry, reason: 'extra entry file is not inside a folder with a package.json: not loaded' });
      else if (!project.cliEntries.includes(entry)) project.cliEntries.push(entry);
    }
    return scan;
  }

  /** The source files of the last scan (absolute paths). */
  scannedFiles(): string[] {
    return (this.scan?.files ?? []).map((f) => f.path);
  }

  /** Files parsed so far (cache misses): an update re-parses only the changed file. */
  get parseCount(): number {
    return this.parseCache.parses;
  }

  private overlayHost(base: Host = this.host): Host {
    const overlay = this.overlay;
    if (overlay.size === 0) return base;
    // The overlay's names per folder, once per host (not per listing: every folder of every walk is listed).
    const byFolder = new Map<string, string[]>();
    for (const p of overlay.keys()) {
      const d = posix.dirname(p);
      const names = byFolder.get(d);
      if (names) names.push(posix.basename(p));
      else byFolder.set(d, [posix.basename(p)]);
    }
    return {
      readFile: (p) => overlay.get(p) ?? base.readFile(p),
      stat: (p) => (overlay.has(p) ? 'file' : base.stat(p)),
      realpath: (p) => (overlay.has(p) ? p : base.realpath(p)),
      readDirectory: (d) => {
        const entries = base.readDirectory(d);
        const names = byFolder.get(d);
        const added = names?.filter((n) => !entries?.some((e) => e.name === n));
        if (!added?.length) return entries;
        return [...(entries ?? []), ...added.map((name) => ({ name, kind: 'file' as const }))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      },
    };
  }

  private link(scan: WorkspaceScan): WorkspaceGraph {
    // The app's reads of the live file system outside every plugin run, answered otherwise now: nothing replays.
    const live = this.outsideLive;
    const liveHost = this.overlayHost(this.liveHost);
    const liveSame = live.every(([kind, path, answer]) => liveAnswer(liveHost, kind, path) === answer);
    let result = this.linkWith(scan, liveSame ? this.runs : undefined, liveSame ? this.modules : undefined);
    // Something written across frames after runs were put back, or marks set on plugin functions
    // from outside (Linker.outsideMarks) that the link before did not set the same way: the runs
    // put back may have read them. Or a kept module taken up where evaluating it would have given
    // something else. Again, from scratch. (A write to a kept module's values is no reason: they
    // were what evaluating the module gives until then; they are not kept after it.)
    const marksSame = sameList(result.linker.outsideMarks, this.outsideMarks);
    const relinked = (result.runs.stats.replayed > 0 && (barrier.unsound !== undefined || !marksSame)) || result.linker.frames.invalid !== undefined;
    if (relinked) result = this.linkWith(scan, undefined, undefined);
    this.replayStats = { ...result.runs.stats, keptModules: result.linker.frames.takenUp, unsound: barrier.unsound, ...(relinked ? { relinked } : {}) };
    this.runs = barrier.unsound === undefined ? result.runs.recorded : undefined;
    const linked = barrier.unsound === undefined ? result.linker.linkedModules() : undefined;
    this.modules = this.updated ? linked : undefined;
    this.resolutions = linked && resolutionsOf(linked);
    this.outsideLive = result.runs.outsideLive;
    this.outsideMarks = result.linker.outsideMarks;
    this.changedSince.clear();
    this.rescannedSince = false;
    return result.graph;
  }

  private linkWith(scan: WorkspaceScan, previous: Map<ts.Node, PluginRun[]> | undefined, modules: LinkedModules | undefined): { graph: WorkspaceGraph; runs: PluginRuns; linker: Linker } {
    const host = this.overlayHost();
    const resolver = (this.resolver = createResolver(host, scan));
    barrier.reset();
    let runs: PluginRuns | undefined;
    // Files came or went: a module whose imports resolve otherwise now counts as changed (what it
    // made, and the runs that ran its code, may differ).
    let changed: ReadonlySet<string> = this.changedSince;
    if (this.resolutions && this.rescannedSince) changed = new Set([...changed, ...resolvedOtherwise(this.resolutions, (from, spec, kind) => resolveKey(resolver, from, spec, kind))]);
    const kept = modules && keptModules(modules, changed);
    const linker = new Linker(watchedHost(host, (p) => runs?.diskRead(p)), scan, resolver, this.parseCache, this.options, this.bodyFacts, kept);
    runs = new PluginRuns(linker.runHost(), previous, changed, this.rescannedSince);
    linker.runs = runs;
    // What the app lists or reads while it boots is read live, and no change reports it: an input
    // of the plugin run asking (asked again before it replays), or outside every run, of the next
    // link (`link`: all asked again first).
    linker.appFsLive = this.overlayHost(this.liveHost);
    linker.appFsHost = answeringHost(linker.appFsLive, (kind, path, answer) => {
      runs?.liveRead(kind, path, answer);
      linker.frames.effect('a live file-system read');
    });
    for (const u of scan.unresolved) linker.unresolved.push(u);
    findRoots(linker, scan);
    const apps = linker.apps
      .map((a) => a.builder)
      .sort((a, b) => (a.entry.file === b.entry.file ? a.entry.start - b.entry.start : a.entry.file < b.entry.file ? -1 : 1))
      .map((b) => b.toGraph(`${posix.relative(scan.root, b.entry.file)}:${b.entry.line}`));
    const testCalls = collectTestCalls(scan.root, scan.files, apps, (p) => host.readFile(p), (p, text) => this.parseCache.get(p, text), linker.unresolved);
    return { graph: { root: scan.root, apps, unresolved: linker.unresolved, files: scan.files.length, testCalls }, runs, linker };
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function analyzeWorkspace(root: string, host: Host, options?: AnalyzeOptions): WorkspaceGraph {
  return new Analyzer(root, host, options).analyze();
}

export type { AppGraph };
