import type { ts } from 'ts-morph';
import type { Route, Span } from '../../model';
import { idUnder, type AppBuilder, type ContextBuilder, type Numbering } from '../context-builder';
import type { ModuleRecord } from '../module-record';
import type { Value } from '../values';
import { barrier } from './ownership';
import { Renumbering } from './renumber';
import { appConstantsKey } from './run-key';
import { contextSnapshot, sameContext, type ContextSnapshot } from './context-snapshot';
import type { LiveKind, LiveRead } from './watched-host';
import { NOT_COMPARABLE, readKey } from './value-key';

/**
 * Plugin runs recorded in one link and replayed in the next (ARCHITECTURE.md "The replay of
 * plugin runs"). The unit is one run of an encapsulated plugin function defined at a
 * module's top level, with everything it registers (avvio loads a body's queue before the body's
 * load returns, so the run is one contiguous stretch: its contexts, declaration orders and route
 * ids are contiguous ranges).
 *
 * A run is recorded with what it read from outside itself — the code it ran (the modules and
 * everything they import, by path), the instance's decorators and the app's routes it asked
 * about, the interpreter's state when it began — and with what it did: what it added to its
 * context (and the contexts below), the app's routes and registered URLs, unresolved entries,
 * steps and loop iterations spent. In the next link a run whose inputs are the same is not
 * interpreted: its effects are put back, renumbered.
 *
 * What makes a run not recordable: a module or JSON module loaded for the first time, an app
 * created, a register cycle met, a loop stopped, an error. What it read on disk (through the
 * linker's host) is an input like the others. What makes a whole link keep nothing: a write to a
 * value made outside the frame writing it (`ownership.ts`).
 */

/** What a recorded run read and did. */
export interface PluginRun {
  /** Its options as plain data (`pluginRunKey`). */
  key: string;
  /** Its own context when it began (context-snapshot.ts): compared with the key. */
  context: ContextSnapshot;
  /** The app's constants (`appConstantsKey`): compared with the key. */
  appKey: string;
  /** Modules whose code ran, by path: they must be evaluated already when it replays. */
  ran: Set<string>;
  /** Files whose text the run's values came from (`ran` and all they import, JSON included). */
  deps: Set<string>;
  /** Paths it read, listed or looked up on disk (through the linker's host): a change at or under one stops its replay. */
  disk: Set<string>;
  /**
   * What the app's own code asked the live file system while it ran (`fs.existsSync`, a folder
   * listed at boot, a glob: `Linker.appFsHost`, which no change reports), with the answer: asked
   * again before a replay, which needs the same answers.
   */
  live: LiveRead[];
  /** Module resolutions made while it ran: from, specifier, kind → resolved path (or a miss). */
  resolutions: [string, string, string, string][];
  /**
   * Decorators read from the contexts above its own, with the answer as a `readKey` (no values
   * kept: a record must not hold the link that made it alive).
   */
  decoratorReads: [string, string][];
  /** Once-per-analysis notes it asked about (said already, or not) before saying them itself. */
  noteReads: [string, boolean][];
  /** hasRoute() questions about routes it did not register itself (their keys, `METHOD url`), with the answer. */
  routeReads: [string, boolean][];
  /** Plugin functions (and autoload folders) it loaded: a replay under one of them would be a cycle. */
  loaded: (ts.Node | string)[];
  /** The interpreter's state when it began (conditional depth, call stack) that the run's result depends on. */
  interpState: unknown[];
  /** Iteration counts of the loops it ran, before it began. */
  loopsBefore: Map<ts.Node, number>;
  /** Its own context's numbering when it began (`numberingKey`): the run's numbers are local to it. */
  numberingBefore: string;
  // ---- effects ----
  targetId: string;
  /** Its own context's numbering after the run, set again by a replay. */
  numberingAfter: Numbering;
  /** Its own context after the run: the lists it appended to (from their length before) and the fields it set. */
  appended: [string, unknown[]][];
  set: [string, unknown][];
  appRoutes: Route[];
  /** The route keys it registered, in order (its slice of `AppBuilder.registeredLog`). */
  registered: string[];
  registeredPlugins: ts.Node[];
  /** Once-per-analysis notes it said (their reports are in `reports`). */
  notes: string[];
  /** Files whose plugin autoload marked skip-override (a write to a function made outside the run, put back with it). */
  skipOverride: string[];
  reports: ([Span | undefined, string] | [string, string, 'file'])[];
  steps: number;
  loops: Map<ts.Node, number>;
  /** Runs recorded inside it: kept for the next link when it replays. */
  inner: { fn: ts.Node; run: PluginRun }[];
}

/** A run's numbering after it, until it is finished. */
const NOT_YET: Numbering = { order: 0, route: 0, children: new Map() };

interface Recording {
  run: PluginRun;
  fn: ts.Node;
  target: ContextBuilder;
  app: AppBuilder;
  failed?: string;
  startLengths: Map<string, number>;
  startFields: Map<string, unknown>;
  stepsBefore: number;
  routesBefore: number;
  /** The app's `registeredLog` length when it began: a key first registered from there on is the run's own. */
  logBefore: number;
  addedNotes: Set<string>;
  /**
   * The decorator reads recorded so far (name, then answer key), so that a read asked again with the
   * same answer is checked once on replay: a route file's handlers read the same decorators again
   * and again, and a replayed run passes its reads on to every run around it (at 2,000 files some
   * 15 reads per run, ~20,000 checks per update, are ~2.7 per run).
   */
  decoratorSeen: Map<string, Set<string>>;
}

/** Records the decorator read in `rec` unless it holds it already. */
function addDecoratorRead(rec: Recording, name: string, key: string): void {
  let keys = rec.decoratorSeen.get(name);
  if (!keys) rec.decoratorSeen.set(name, (keys = new Set()));
  if (keys.has(key)) return;
  keys.add(key);
  rec.run.decoratorReads.push([name, key]);
}

/** What the Linker tells the recorder it knows, read at the start and the end of a run. */
export interface RunHost {
  steps(): number;
  /** Steps left before the analysis budget runs out. */
  stepsLeft(): number;
  moduleDone(path: string): boolean;
  /** The paths a module imports (resolved so far), JSON modules included. */
  importsOf(path: string): Iterable<string>;
  /** A resolution made again now, as the key `resolutions` records. */
  resolveNow(from: string, spec: string, kind: string): string;
  addSteps(n: number): void;
  loopCount(loop: ts.Node): number;
  addLoop(loop: ts.Node, n: number): void;
  onStack(node: ts.Node | string): boolean;
  markRegisteredPlugin(node: ts.Node): void;
  noteSaid(id: string): boolean;
  sayNote(id: string): void;
  reapplySkipOverride(file: string): void;
  reportAt(span: Span | undefined, reason: string): void;
  reportFile(file: string, reason: string): void;
  /** The live file system's answer now (`liveAnswer`). */
  liveAnswer(kind: LiveKind, path: string): string;
}

export interface ReplayStats {
  recorded: number;
  replayed: number;
  /** Why runs were not recorded, counted. */
  notRecorded: Record<string, number>;
}

export class PluginRuns {
  /** Runs recorded in this link, by plugin function node, for the next one. */
  readonly recorded = new Map<ts.Node, PluginRun[]>();
  /**
   * What the app asked the live file system outside every plugin run (root code, module top
   * levels), with the answers: the next link replays nothing unless each is answered the same
   * (`Analyzer.link`), since those values may reach any run (a module's bindings, say).
   */
  readonly outsideLive: LiveRead[] = [];
  /** Plugin runs begun in this link, replayed or not. */
  begun = 0;
  private readonly stack: Recording[] = [];
  /** Runs already in `recorded` (a replayed run is kept again with the run around it). */
  private readonly kept = new Set<PluginRun>();
  readonly stats: ReplayStats = { recorded: 0, replayed: 0, notRecorded: {} };

  constructor(
    private readonly host: RunHost,
    /** The runs of the previous link, and the files changed since (undefined: nothing replays). */
    private readonly previous: Map<ts.Node, PluginRun[]> | undefined,
    private readonly changed: ReadonlySet<string>,
    /** The file set changed since: module resolutions are checked again. */
    private readonly rescanned: boolean,
  ) {}

  get active(): boolean {
    return this.stack.length > 0;
  }

  private get top(): Recording | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** The run being recorded cannot be (nor can the runs around it). */
  fail(why: string): void {
    for (const r of this.stack) r.failed ??= why;
  }

  /** The linker's host was asked about `path` (a text, a listing, a stat). */
  diskRead(path: string): void {
    this.top?.run.disk.add(path);
  }

  /**
   * The app asked the live file system: an input of the run being recorded (and of the runs
   * around it, through `passOn`), or, outside every run, of the whole next link (`outsideLive`).
   */
  liveRead(kind: LiveKind, path: string, answer: string): void {
    const top = this.top;
    if (top) top.run.live.push([kind, path, answer]);
    else this.outsideLive.push([kind, path, answer]);
  }

  ranModule(m: ModuleRecord): void {
    this.top?.run.ran.add(m.path);
  }

  resolved(from: string, spec: string, kind: string, result: string): void {
    this.top?.run.resolutions.push([from, spec, kind, result]);
  }

  loopRun(loop: ts.Node, before: number, iterations: number): void {
    const top = this.top;
    if (!top) return;
    if (!top.run.loopsBefore.has(loop)) top.run.loopsBefore.set(loop, before);
    top.run.loops.set(loop, (top.run.loops.get(loop) ?? 0) + iterations);
  }

  pluginLoaded(node: ts.Node | string): void {
    this.top?.run.loaded.push(node);
  }

  /** A once-per-analysis note asked about: said already (`had`) or not. */
  noteAsked(id: string, had: boolean): void {
    for (const r of this.stack) if (!r.addedNotes.has(id)) r.run.noteReads.push([id, had]);
  }

  noteAdded(id: string): void {
    const top = this.top;
    if (!top) return;
    top.addedNotes.add(id);
    top.run.notes.push(id);
  }

  skipOverride(file: string): void {
    this.top?.run.skipOverride.push(file);
  }

  registeredPlugin(node: ts.Node): void {
    this.top?.run.registeredPlugins.push(node);
  }

  reportAt(span: Span | undefined, reason: string): void {
    this.top?.run.reports.push([span, reason]);
  }

  reportFile(file: string, reason: string): void {
    this.top?.run.reports.push([file, reason, 'file']);
  }

  /** A decorator read, answered by context `foundAt` (undefined: no context has it): a read from outside each run whose contexts do not hold `foundAt`. */
  decoratorRead(name: string, value: Value | undefined, foundAt: ContextBuilder | undefined): void {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const r = this.stack[i];
      if (foundAt && this.inside(r, foundAt)) return;
      addDecoratorRead(r, name, readKey(value));
    }
  }

  /** Route keys are registered on `app` (the run's own are its slice of the app's `registeredLog`). */
  registeredRoute(app: AppBuilder): void {
    const top = this.top;
    if (top && top.app !== app) this.fail('another app changed');
  }

  /**
   * A route declared in `ctx`. One declared outside the recording run's own context (on an
   * instance from outside that it got hold of) is in no list the run puts back, and takes a number
   * of that context: the run cannot be recorded.
   */
  routeDeclared(ctx: ContextBuilder): void {
    const top = this.top;
    if (top && !this.inside(top, ctx)) top.failed ??= 'a route declared outside its context';
  }

  routeRead(app: AppBuilder, key: string, answer: boolean): void {
    for (const r of this.stack) {
      if (r.app !== app) r.failed ??= 'another app read';
      else if (!app.registeredSince(key, r.logBefore)) r.run.routeReads.push([key, answer]);
    }
  }

  private inside(r: Recording, c: ContextBuilder): boolean {
    return c.app === r.app && (c === r.target || idUnder(c.ctx.id, r.run.targetId));
  }

  /**
   * Runs `body` (the plugin's load) as one recorded run, or puts back a recorded run with the same
   * key and inputs instead. `key` is the run's options as plain data (`pluginRunKey`); its own context
   * and the app's constants are compared apart.
   */
  run(fn: ts.Node, key: string, interpState: unknown[], target: ContextBuilder, body: () => void): void {
    this.begun++;
    const appKey = appConstantsKey(target.app);
    const replayed = this.replay(fn, key, appKey, interpState, target);
    if (replayed) {
      this.keep(fn, replayed);
      this.stats.replayed++;
      return;
    }
    const app = target.app;
    const startLengths = new Map<string, number>();
    const startFields = new Map<string, unknown>();
    for (const [k, v] of Object.entries(target.ctx)) {
      if (Array.isArray(v)) startLengths.set(k, v.length);
      else startFields.set(k, v);
    }
    const rec: Recording = {
      fn,
      target,
      app,
      startLengths,
      startFields,
      stepsBefore: this.host.steps(),
      routesBefore: app.routes.length,
      logBefore: app.registeredLog.length,
      addedNotes: new Set(),
      decoratorSeen: new Map(),
      run: {
        key, context: contextSnapshot(target.ctx), appKey, ran: new Set(), deps: new Set(), disk: new Set(), live: [], resolutions: [], decoratorReads: [], noteReads: [], routeReads: [], loaded: [], interpState, loopsBefore: new Map(),
        numberingBefore: target.numberingKey(), targetId: target.ctx.id, numberingAfter: NOT_YET,
        appended: [], set: [], appRoutes: [], registered: [], registeredPlugins: [], skipOverride: [], notes: [], reports: [], steps: 0, loops: new Map(), inner: [],
      },
    };
    this.stack.push(rec);
    let ok = false;
    try {
      barrier.enter();
      body();
      ok = true;
    } finally {
      barrier.exit();
      this.stack.pop();
      if (!ok) rec.failed ??= 'error';
      this.finish(rec);
    }
  }

  private finish(rec: Recording): void {
    const parent = this.top;
    const run = rec.run;
    if (parent) {
      // What the inner run read from outside itself, the outer one read too (unless it was the outer's own).
      passOn(run, parent.run);
      parent.run.reports.push(...run.reports);
      for (const n of rec.addedNotes) parent.addedNotes.add(n);
      parent.run.notes.push(...run.notes);
      if (rec.failed) parent.failed ??= rec.failed;
    }
    if (rec.failed) return this.notRecorded(rec.failed, undefined);
    const app = rec.app;
    run.numberingAfter = rec.target.numbering();
    run.steps = this.host.steps() - rec.stepsBefore;
    run.appRoutes = app.routes.slice(rec.routesBefore);
    run.registered = app.registeredLog.slice(rec.logBefore);
    for (const [k, v] of Object.entries(rec.target.ctx)) {
      if (Array.isArray(v)) {
        const from = rec.startLengths.get(k) ?? 0;
        if (v.length > from) run.appended.push([k, v.slice(from)]);
        else if (v.length < from) return this.notRecorded('a list of its context shrank', parent);
        else if (!rec.startLengths.has(k)) run.set.push([k, []]);
      } else if (rec.startFields.get(k) !== v) run.set.push([k, v]);
    }
    for (const k of rec.startFields.keys()) if (!(k in rec.target.ctx)) return this.notRecorded('a field of its context was removed', parent);
    // The code the run's values came from: the modules that ran and all they import.
    const todo = [...run.ran];
    for (const p of todo) {
      if (run.deps.has(p)) continue;
      run.deps.add(p);
      for (const q of this.host.importsOf(p)) if (!run.deps.has(q)) todo.push(q);
    }
    this.stats.recorded++;
    this.keep(rec.fn, run);
    parent?.run.inner.push({ fn: rec.fn, run });
  }

  /** A run that ran but cannot be recorded; the run around it cannot be either. */
  private notRecorded(why: string, parent: Recording | undefined): void {
    this.stats.notRecorded[why] = (this.stats.notRecorded[why] ?? 0) + 1;
    if (parent) parent.failed ??= why;
  }

  private keep(fn: ts.Node, run: PluginRun): void {
    if (this.kept.has(run)) return;
    this.kept.add(run);
    const list = this.recorded.get(fn);
    if (list) list.push(run);
    else this.recorded.set(fn, [run]);
    for (const i of run.inner) this.keep(i.fn, i.run);
  }

  private replay(fn: ts.Node, key: string, appKey: string, interpState: unknown[], target: ContextBuilder): PluginRun | undefined {
    const candidates = this.previous?.get(fn);
    if (!candidates || barrier.unsound !== undefined) return undefined;
    let run: PluginRun | undefined;
    for (const r of candidates) {
      if (r.key !== key || r.appKey !== appKey || !sameContext(r.context, target.ctx) || !this.stillHolds(r, interpState, target)) continue;
      run = r;
      break;
    }
    if (!run) return undefined;
    // Replayed runs report to the runs around them as if they ran.
    // What it read, the runs around it read (where it was answered is not kept: a read answered
    // inside an outer run counts as read from outside it, which only stops that one's replay).
    for (const r of this.stack) {
      for (const [name, key] of run.decoratorReads) addDecoratorRead(r, name, key);
      for (const read of run.routeReads) if (!r.app.registeredSince(read[0], r.logBefore)) r.run.routeReads.push(read);
      for (const [id, had] of run.noteReads) if (!r.addedNotes.has(id)) r.run.noteReads.push([id, had]);
    }
    const top = this.top;
    if (top) passOn(run, top.run);
    // After the reads are passed on (a route it asked about before registering it was asked from outside); its reports
    // and registered routes reach the runs around it through the linker, as they are put back.
    const kept = this.putBack(run, target);
    top?.run.inner.push({ fn, run: kept });
    return kept;
  }

  /** A changed path is `p` or lies under it (a listing of `p`, or its existence, may differ). */
  private changedAtOrUnder(p: string): boolean {
    if (this.changed.has(p)) return true;
    const prefix = p.endsWith('/') ? p : `${p}/`;
    for (const c of this.changed) if (c.startsWith(prefix)) return true;
    return false;
  }

  private stillHolds(run: PluginRun, interpState: unknown[], target: ContextBuilder): boolean {
    if (run.steps > this.host.stepsLeft()) return false;
    if (run.interpState.length !== interpState.length) return false;
    for (let i = 0; i < interpState.length; i++) if (run.interpState[i] !== interpState[i]) return false;
    if (target.numberingKey() !== run.numberingBefore) return false;
    for (const p of run.deps) if (this.changed.has(p)) return false;
    // Without files come or gone, listings and lookups are as they were: only the texts read matter.
    for (const p of run.disk) if (this.rescanned ? this.changedAtOrUnder(p) : this.changed.has(p)) return false;
    for (const p of run.ran) if (!this.host.moduleDone(p)) return false;
    if (this.rescanned) {
      for (const [from, spec, kind, result] of run.resolutions) if (this.host.resolveNow(from, spec, kind) !== result) return false;
    }
    for (const [name, k] of run.decoratorReads) if (k === NOT_COMPARABLE || readKey(target.decoratorValue(name, false)) !== k) return false;
    for (const [k, a] of run.routeReads) if (target.app.hasRouteKey(k) !== a) return false;
    for (const [id, had] of run.noteReads) if (this.host.noteSaid(id) !== had) return false;
    for (const n of run.loaded) if (this.host.onStack(n)) return false;
    for (const [loop, before] of run.loopsBefore) if (this.host.loopCount(loop) !== before) return false;
    // Last: these ask the disk.
    for (const [kind, path, answer] of run.live) if (this.host.liveAnswer(kind, path) !== answer) return false;
    return true;
  }

  /**
   * Puts a run's effects back; returns the record to keep for the next link: the same, or, when
   * its context's id moved, the record as this link would have made it (its effects the copies put
   * back), so that a next link that moves nothing puts back the very objects of this one.
   */
  private putBack(run: PluginRun, target: ContextBuilder): PluginRun {
    const app = target.app;
    // The record as this link makes it; what goes back are its effects (the copies when ids moved).
    const kept = run.targetId === target.ctx.id ? run : moved(run, new Renumbering(run.targetId, target.ctx.id));
    const ctx = target.ctx as unknown as Record<string, unknown>;
    for (const [k, items] of kept.appended) {
      const list = (ctx[k] ??= []) as unknown[];
      for (const x of items) list.push(x);
    }
    for (const [k, v] of run.set) ctx[k] = Array.isArray(v) ? [] : v;
    for (const route of kept.appRoutes) app.routes.push(route);
    target.setNumbering(run.numberingAfter);
    app.markRegisteredKeys(run.registered);
    for (const n of run.registeredPlugins) this.host.markRegisteredPlugin(n);
    for (const f of run.skipOverride) this.host.reapplySkipOverride(f);
    for (const id of run.notes) this.host.sayNote(id);
    for (const rep of run.reports) {
      if (rep.length === 3) this.host.reportFile(rep[0], rep[1]);
      else this.host.reportAt(rep[0], rep[1]);
    }
    this.host.addSteps(run.steps);
    for (const [loop, n] of run.loops) this.host.addLoop(loop, n);
    return kept;
  }
}

/** A run's record with its ids moved as `r` moves them (its effects `r`'s copies), the runs inside it too. */
function moved(run: PluginRun, r: Renumbering): PluginRun {
  return {
    ...run,
    targetId: r.id(run.targetId),
    appended: run.appended.map(([k, items]) => [k, items.map((x) => r.item(k, x))]),
    appRoutes: run.appRoutes.map((x) => r.route(x)),
    inner: run.inner.map((i) => ({ fn: i.fn, run: moved(i.run, r) })),
  };
}

/**
 * What a run inside another read and did that the outer run read and did too: the code it ran, the
 * disk it read, its resolutions, plugins loaded, loops, plugins marked registered and skip-override.
 * (Reads of the instance are passed on as they happen; reports and registered routes by the caller.)
 */
function passOn(inner: PluginRun, outer: PluginRun): void {
  for (const m of inner.ran) outer.ran.add(m);
  for (const p of inner.disk) outer.disk.add(p);
  outer.live.push(...inner.live);
  outer.resolutions.push(...inner.resolutions);
  outer.loaded.push(...inner.loaded);
  for (const [loop, before] of inner.loopsBefore) if (!outer.loopsBefore.has(loop)) outer.loopsBefore.set(loop, before);
  for (const [loop, n] of inner.loops) outer.loops.set(loop, (outer.loops.get(loop) ?? 0) + n);
  outer.registeredPlugins.push(...inner.registeredPlugins);
  outer.skipOverride.push(...inner.skipOverride);
}
