/**
 * The index of one workspace folder: an analysis worker, the edits waiting for it, and the
 * latest finished graph. One request is in flight at a time; edits that arrive meanwhile are
 * merged (the newest text of each file wins) and sent when the answer comes, so a newer edit
 * supersedes older work and typing never waits on analysis.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { Finding } from '../core/rules/types';
import { FixRequests, type FixesAnswer } from './fix-requests';
import { GraphPatcher } from './graph-patch';
import { keepLineStarts } from './line-starts';
import { GraphIndex } from './model/graph-index';
import { relativePath } from './model/tree-node';
import { readSettings } from './settings';
import type { AnalysisStats, EditedFile, FromWorker, RulesAnswer, ToWorker, ViewsAnswer, WorkerSettings } from './worker/protocol';

export type IndexState = 'indexing' | 'ready' | 'failed';

export const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/i;

export class FolderIndex implements vscode.Disposable {
  /** Forward-slash real path of the folder: the paths in the graph start with it. */
  readonly root: string;
  index: GraphIndex | undefined;
  /**
   * The rules' findings on the latest graph (without their fixes: `fixesOf`), by file. A file's
   * list is the same array until its findings change (the worker posts only those that did).
   */
  readonly findingsByFile = new Map<string, Finding[]>();
  state: IndexState = 'indexing';
  /** True while the rules of the graph shown are still running (a full analysis shows its graph first). */
  checking = false;
  lastStats: AnalysisStats | undefined;
  private ruleNotes = new Set<string>();
  private worker: Worker | undefined;
  private seq = 0;
  private inFlight: number | undefined;
  private readonly pending = new Map<string, EditedFile>();
  /** Document versions: of the pending edits, of the request in flight, and of the texts the current graph was built from. */
  private readonly pendingVersions = new Map<string, number | undefined>();
  private inFlightVersions = new Map<string, number | undefined>();
  private readonly graphVersions = new Map<string, number>();
  private fullPending = true;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly fixRequests = new FixRequests();
  /** The contexts and routes of the graph before, which the worker's next graph refers to. */
  private readonly patcher = new GraphPatcher();
  private readonly changed = new vscode.EventEmitter<FolderIndex>();
  readonly onDidChange = this.changed.event;
  private firstIndex: { resolve: () => void } | undefined;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly workerFile: string,
    private readonly log: vscode.LogOutputChannel,
    /** Folder of the warm-start cache (the extension's storage, never the workspace); undefined: none. */
    private readonly cacheDir?: string,
  ) {
    const fsPath = folder.uri.fsPath;
    let real = fsPath;
    try {
      real = fs.realpathSync.native(fsPath);
    } catch {
      // keep the path as given
    }
    this.root = toPosix(real);
    this.folderPath = toPosix(fsPath);
  }
  private readonly folderPath: string;

  /** The graph path of a file of this folder, or undefined when the file is outside it. */
  graphPath(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    const p = toPosix(uri.fsPath);
    for (const base of [this.root, this.folderPath]) if (p === base || p.startsWith(base + '/')) return this.root + p.slice(base.length);
    return undefined;
  }

  /** Analyse the folder from scratch (start, Refresh, settings or package.json changes). */
  reindex(): void {
    this.fullPending = true;
    this.schedule(0);
  }

  /**
   * A file's text changed in an editor (text) or on disk (undefined). `version` is the editor
   * document's version whose text this is (a save included), when there is one.
   */
  edit(file: string, text: string | undefined, delayMs: number, version?: number): void {
    this.pending.set(file, { file, text });
    this.pendingVersions.set(file, version);
    this.schedule(delayMs);
  }

  /**
   * Whether the current graph was built from this document's text: no edit of it waits or is in
   * flight, and the version sent last is the document's (a file never sent: the document is
   * unchanged from disk). Edits computed from a stale graph would land in the wrong place.
   */
  isCurrent(doc: { uri: vscode.Uri; version: number; isDirty: boolean }): boolean {
    const file = this.graphPath(doc.uri);
    if (!file || !this.index || this.pending.has(file) || this.inFlightVersions.has(file) || (this.inFlight !== undefined && this.inFlightFull)) return false;
    const v = this.graphVersions.get(file);
    return v !== undefined ? v === doc.version : !doc.isDirty;
  }
  private inFlightFull = false;

  /**
   * The quick fixes of some of `findings`, computed by the worker for the graph it serves when it
   * gets to the request (after the analysis in flight, if any) and kept per finding: an entry per
   * finding, undefined where that graph no longer has the finding. Check `isCurrent` again before
   * using them.
   */
  fixesOf(findings: Finding[]): Promise<FixesAnswer> {
    const worker = this.worker;
    if (!worker || !findings.length) return Promise.resolve(findings.map(() => undefined));
    return this.fixRequests.ask((msg) => worker.postMessage(msg), findings);
  }

  /** The request in flight ended: its versions are the graph's (answered), or unknown (failed: stale until the next graph). */
  private settleVersions(answered: boolean): void {
    if (answered && this.inFlightFull) this.graphVersions.clear();
    for (const [file, v] of this.inFlightVersions) {
      if (answered && v === undefined) this.graphVersions.delete(file);
      else this.graphVersions.set(file, answered ? v! : -1);
    }
    this.inFlightVersions = new Map();
    this.inFlightFull = false;
  }

  /** Resolves when nothing is waiting or running: the graph reflects every edit sent so far. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return !this.timer && this.inFlight === undefined && !this.fullPending && this.pending.size === 0;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, delayMs);
  }

  private flush(): void {
    if (this.inFlight !== undefined) return; // the answer handler flushes again
    if (this.fullPending) {
      this.fullPending = false;
      this.state = 'indexing';
      this.changed.fire(this);
      const settings = readSettings(this.folder);
      const workerSettings: WorkerSettings = {
        root: this.root,
        excludeGlobs: settings.exclude,
        entries: settings.entryFiles.map((f) => toPosix(path.resolve(this.root, f))),
        maxFileBytes: settings.maxFileBytes,
        rules: settings.rules,
        ...(this.cacheDir ? { cacheDir: this.cacheDir } : {}),
      };
      this.inFlightFull = true;
      this.send({ type: 'analyze', seq: ++this.seq, settings: workerSettings });
      this.progress();
      // A new analyser reads the disk: the open unsaved buffers follow right after.
      if (settings.updateOn === 'type') for (const doc of vscode.workspace.textDocuments) {
        const file = doc.isDirty ? this.graphPath(doc.uri) : undefined;
        if (file && SOURCE_FILE.test(file) && !this.pending.has(file)) {
          this.pending.set(file, { file, text: doc.getText() });
          this.pendingVersions.set(file, doc.version);
        }
      }
      return;
    }
    if (this.pending.size) {
      const changes = [...this.pending.values()];
      this.pending.clear();
      this.inFlightVersions = new Map(this.pendingVersions);
      this.pendingVersions.clear();
      this.send({ type: 'change', seq: ++this.seq, changes });
      return;
    }
    this.settleIdle();
  }

  private send(msg: ToWorker): void {
    this.inFlight = msg.seq;
    try {
      this.ensureWorker().postMessage(msg);
    } catch (err) {
      this.inFlight = undefined;
      this.settleVersions(false);
      this.fail(`could not start the analysis worker: ${(err as Error).message}`);
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerFile);
    w.on('message', (m: FromWorker) => this.onAnswer(m));
    w.on('error', (err) => {
      this.log.error(`[${this.folder.name}] analysis worker error: ${err.stack ?? err.message}`);
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.fixRequests.dropAll();
      if (this.inFlight !== undefined) {
        this.inFlight = undefined;
        this.checking = false;
        this.settleVersions(false);
        this.fullPending = true; // a new worker knows nothing: start over
        this.fail(`the analysis worker stopped (exit code ${code}); it will start again on the next change`);
      }
    });
    this.worker = w;
    return w;
  }

  private onAnswer(m: FromWorker): void {
    if (m.type === 'fixes') {
      for (const f of m.failedRules) this.log.error(`[${this.folder.name}] quick fixes failed: ${f}`);
      this.fixRequests.answer(m);
      return;
    }
    if (m.type === 'log') {
      for (const line of m.lines) this.log.warn(`[${this.folder.name}] ${line}`);
      return;
    }
    if (m.seq !== this.inFlight) return;
    if (m.type === 'views') {
      // The graph shows now; the analysis stays in flight until its `rules` follow.
      if (!this.showGraph(m)) return this.endRequest(false);
      this.checking = true;
      this.changed.fire(this);
      return;
    }
    if (m.type === 'failed') {
      this.fail(`analysis failed: ${m.message}`);
      return this.endRequest(false);
    }
    // A graph that could not be put together ends the request unanswered (a full index is pending).
    if (m.type === 'graph' && !this.showGraph(m)) return this.endRequest(false);
    if (m.type === 'rules') this.log.info(`[${this.folder.name}] rules checked in ${m.ms} ms`);
    this.keepRules(m);
    this.endRequest(true);
  }

  /** The request in flight is over: answered (the graph and findings are its), or not; the next one goes. */
  private endRequest(answered: boolean): void {
    this.checking = false;
    this.settleVersions(answered);
    this.inFlight = undefined;
    if (answered) this.changed.fire(this);
    this.flush();
  }

  /** A graph from the worker, put together and indexed; false when it could not be (a full index is made pending). */
  private showGraph(m: ViewsAnswer): boolean {
    let graph;
    try {
      if (m.stats.full) this.patcher.reset();
      graph = this.patcher.apply(m.graph);
    } catch (err) {
      // Not the worker's graph: start over with a full analysis (the worker posts it whole).
      this.patcher.reset();
      this.fail(`could not read the worker's graph: ${(err as Error).message}; indexing again`);
      this.fullPending = true;
      return false;
    }
    keepLineStarts(m.lineStarts);
    this.index = new GraphIndex(graph);
    this.lastStats = m.stats;
    this.state = 'ready';
    this.report(m.stats);
    this.firstIndex?.resolve();
    this.firstIndex = undefined;
    return true;
  }

  /** The rules' results on the graph shown: the findings of the files whose findings changed, and what to log. */
  private keepRules(m: RulesAnswer): void {
    if (m.findings.full) this.findingsByFile.clear();
    for (const [file, list] of m.findings.files) {
      if (list.length) this.findingsByFile.set(file, list);
      else this.findingsByFile.delete(file);
    }
    for (const f of m.failedRules) this.log.error(`[${this.folder.name}] rule failed and was skipped: ${f}`);
    // Why rules stayed silent: said once, when it first comes up, not on every keystroke.
    for (const n of m.ruleNotes) if (!this.ruleNotes.has(n)) this.log.info(`[${this.folder.name}] rule stayed silent: ${n}`);
    this.ruleNotes = new Set(m.ruleNotes);
  }

  private report(stats: AnalysisStats): void {
    const g = this.index!.graph;
    const routes = this.index!.routes.length;
    const what = stats.full ? 'indexed' : 'updated';
    this.log.info(
      `[${this.folder.name}] ${what} in ${stats.ms} ms: ${g.files} source files, ${stats.parses} parsed, ${g.apps.length} app${g.apps.length === 1 ? '' : 's'}, ` +
        `${routes} routes, ${this.index!.contextCount} contexts, ${g.unresolved.length} unresolved` +
        (stats.cache ? ` (cache: ${stats.cache})` : ''),
    );
    if (!stats.full) return;
    for (const u of g.unresolved) {
      const place = u.span ? `${relativePath(this.root, u.span.file)}:${u.span.line}` : u.file ? (relativePath(this.root, u.file) || u.file) : '';
      this.log.warn(`[${this.folder.name}] unresolved: ${place ? place + '  ' : ''}${u.reason}`);
    }
  }

  private fail(message: string): void {
    this.state = 'failed';
    this.log.error(`[${this.folder.name}] ${message}`);
    this.firstIndex?.resolve();
    this.firstIndex = undefined;
    this.changed.fire(this);
  }

  private settleIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** A progress notification in the status bar area while a full index runs. */
  private progress(): void {
    if (this.firstIndex) return;
    const done = new Promise<void>((resolve) => (this.firstIndex = { resolve }));
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Fastify Lens: indexing ${this.folder.name}` }, () => done);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    void this.worker?.terminate();
    this.worker = undefined;
    this.fixRequests.dropAll();
    this.changed.dispose();
    this.firstIndex?.resolve();
    for (const w of this.idleWaiters) w();
  }
}

export function toPosix(p: string): string {
  return p.replace(/\\/g, '/');
}
