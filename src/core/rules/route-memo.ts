/**
 * Per-route (or per-object) results of a rule kept across analyses. The rules run on every edit,
 * and most routes of the new graph are routes of the last one: a replayed plugin run puts its
 * routes back as the same objects, or as copies that differ only in `id` and `contextId`
 * (`routeOrigin`). A rule's result for one route is a function of the route's own object graph
 * (schema, hooks, body facts, spans: unchanged while the origin is the same) and of what the rule
 * reads outside it; the rule names the latter as a **key** text, and the result is reused when the
 * origin and the key are the same as when it was computed.
 *
 * - The key must hold every input the computation reads besides the route's own objects: the
 *   app's settings (server options, Fastify version…) and what the route's contexts hold that the
 *   rule reads (`contextKeys`). Never `route.id`/`contextId`: the computation gets the origin and
 *   must not read them (it reads the chain of contexts only through what its key names).
 * - Entries are per `source` object (`RuleContext.source`, `Analyzer.sourceOf()`, one per
 *   analyser): fix closures capture it, and it answers for its analyser's current state.
 * - Notes the computation says are kept with the result and said again on a hit, in order.
 * - The result must not hold a graph's contexts or apps (only the route's own objects, strings,
 *   closures over the origin and `source`): entries live per source (a weak map: they die with the
 *   analyser) in the slots of the routes each app listed in the last graph the rules ran on
 *   (`AppSlots`).
 * - Decisions that concern a whole app (an unresolved entry that silences it, an `onRoute` hook,
 *   a validator that cannot be modelled) are taken on every run, outside the memo.
 */
import type { AppGraph, Context, Route } from '../model';
import { routeOrigin } from '../route-origin';
import { firstNotBefore } from './sorted-search';

/** How often a memo answered from an earlier run (`hits`) or computed (`misses`): for tests and benchmarks. */
export const memoStats = { hits: 0, misses: 0 };

interface Entry<T> {
  key: string;
  value: T;
  notes: readonly string[] | undefined;
}

/** What a memo needs of the rule's context: the graph, the `source` the rules were given, and the rule's `note`. */
export interface MemoScope {
  graph: object;
  source: object;
  note(message: string): void;
}

/** One memo's entries for one rules run: `get` per route (or object). */
export interface MemoRun<K, T> {
  /**
   * `compute(origin, note)`'s result for `of`, reused while `key` is the same; `note` is the one
   * to call from `compute` (kept and said again on a hit).
   */
  get(of: K, key: string, compute: (origin: K, note: (message: string) => void) => T): T;
}

/** The entry if its key is `key` (its notes said again), else the entry `compute` makes. */
function lookUp<K, T>(scope: MemoScope, hit: Entry<T> | undefined, of: K, key: string, compute: (origin: K, note: (message: string) => void) => T): Entry<T> {
  if (hit !== undefined && hit.key === key) {
    memoStats.hits++;
    if (hit.notes) for (const n of hit.notes) scope.note(n);
    return hit;
  }
  memoStats.misses++;
  let notes: string[] | undefined;
  const value = compute(of, (message) => {
    (notes ??= []).push(message);
    scope.note(message);
  });
  // Most routes give nothing under the key '' (a rule's filter): one entry for all of them.
  if (value === undefined && notes === undefined && key === '') return NOTHING as Entry<T>;
  return { key, value, notes };
}

/** The entry of every route that gives nothing, with no note, under the key ''. Entries are never changed. */
const NOTHING: Entry<undefined> = { key: '', value: undefined, notes: undefined };

/** A memo of one rule's per-object results, keyed by an object that lives as long as the graphs holding it (a `BodyFacts`). */
export class ObjectMemo<K extends object, T> {
  private readonly bySource = new WeakMap<object, WeakMap<K, Entry<T>>>();

  in(scope: MemoScope): MemoRun<K, T> {
    let entries = this.bySource.get(scope.source);
    if (!entries) this.bySource.set(scope.source, (entries = new WeakMap()));
    const map = entries;
    return {
      get(of, key, compute) {
        const hit = map.get(of);
        const entry = lookUp(scope, hit, of, key, compute);
        if (entry !== hit) map.set(of, entry);
        return entry.value;
      },
    };
  }
}

/**
 * A memo of one rule's per-route results, keyed by `routeOrigin(route)`, asked for all of an app's
 * routes at once (`each`). Every route memo of a run shares one slot per route (`slotsIn`: found
 * once per app and graph, not once per memo), by the route's place in `app.routes`.
 */
export class RouteMemo<T> {
  private readonly id = MEMOS++;

  /**
   * Every route of `app.routes`, in order: `visit(value, route)` for each route whose value is not
   * undefined, the value `compute(origin, note, route)` gave for its origin under the key `parts`
   * names for its context (`NO_CONTEXT` for a route outside the tree), or under `parts` itself
   * when it is a text (the same for every route: the app's settings), '' without it. `compute`
   * may read `route` for its chain of contexts (only as the key names it), and of the route's own
   * fields only those of the origin.
   *
   * What an edit left alone is not looked at again: where the routes are the same objects, in the
   * same order, as a run of the graph before's list (`AppSlots.segments`), this memo ran on that
   * graph, and no context's key changed between the two, the run's values, notes and visits are
   * those of the memo's last run (`Dense`): no route, entry or key is read, only the routes with a
   * value are visited. Where a context's key changed, the routes of that context are computed and
   * the runs of the others copied. (Reading each route's entry and key, scattered over the heap,
   * cost ~0.1 µs per route and memo: ~2 ms per rule on every update at 2,000 files, for some
   * 15,000 routes.)
   */
  each(scope: MemoScope, app: AppGraph, parts: KeyParts | string | undefined, compute: (origin: Route, note: (message: string) => void, route: Route) => T | undefined, visit: (value: NonNullable<T>, route: Route) => void): void {
    const a = appSlots(scope, app);
    const slots = slotsIn(a, scope, app);
    const gen = a.graphs;
    const byContext = typeof parts === 'object';
    const keys = byContext ? contextKeys(app, parts) : undefined;
    const text = byContext ? undefined : (parts ?? '');
    const last = a.dense[this.id] as Dense<T> | undefined;
    // The contexts' keys are compared (and kept for the next graph) on every run.
    const keyChanges = byContext ? changedKeys(a, parts, keys!) : NONE_CHANGED;
    // The run on the graph before, if its values hold for routes listed in both.
    const changed = last === undefined || last.gen !== gen - 1 || last.text !== text ? undefined : keyChanges;
    const routes = app.routes;
    if (last?.gen === gen && last.text === text) {
      // This graph again (the rules run twice on it).
      for (const notes of last.notes) for (const n of notes) scope.note(n);
      last.present.forEach((i, k) => visit(last.values[k] as NonNullable<T>, routes[i]));
      return;
    }
    const id = this.id;
    const run: Dense<T> = { gen, text, present: [], values: [], noted: [], notes: [] };
    const take = (i: number, value: T | undefined, notes: readonly string[] | undefined) => {
      if (notes) {
        run.noted.push(i);
        run.notes.push(notes);
      }
      if (value !== undefined) {
        run.present.push(i);
        run.values.push(value as NonNullable<T>);
        visit(value as NonNullable<T>, routes[i]);
      }
    };
    /** The value for the route at `i` from its slot's entry (computed when its key is not the entry's). */
    const fresh = (i: number) => {
      const route = routes[i];
      const slot = slots[i];
      const key = text ?? keys!.get(route.contextId) ?? NO_CONTEXT;
      const hit = slot.entries[id] as Entry<T | undefined> | undefined;
      const entry = lookUp(scope, hit, slot.origin, key, (origin, note) => compute(origin, note, route));
      if (entry !== hit) slot.entries[id] = entry;
      take(i, entry.value, entry.notes);
    };
    /** Whether the key of the context `id` changed (routes of one context are mostly together: the last answer is kept). */
    let lastId: string | undefined;
    let lastChanged = false;
    const keyChanged = (id: string) => {
      if (id !== lastId) {
        lastId = id;
        lastChanged = changed!.has(id);
      }
      return lastChanged;
    };
    const segments = changed === undefined ? NO_SEGMENTS : a.segments;
    let i = 0;
    for (let s = 0; ; s += 3) {
      const start = s < segments.length ? segments[s] : routes.length;
      for (; i < start; i++) fresh(i);
      if (s >= segments.length) break;
      const end = segments[s + 1];
      const shift = start - segments[s + 2];
      if (changed!.size === 0) copySegment(last!, run, start, end, shift, scope, visit, routes);
      else {
        // The routes of contexts whose key changed are computed; the runs of the others are copied.
        while (i < end) {
          let j = i;
          while (j < end && !keyChanged(routes[j].contextId)) j++;
          if (j > i) copySegment(last!, run, i, j, shift, scope, visit, routes);
          for (; j < end && keyChanged(routes[j].contextId); j++) fresh(j);
          i = j;
        }
      }
      i = end;
    }
    a.dense[id] = run;
  }
}

/**
 * The last run's values for the routes `[start, end)`, which were at `[start - shift, end - shift)`
 * then: notes (said again), values and visits in order, without a look at the routes in between.
 */
function copySegment<T>(last: Dense<T>, run: Dense<T>, start: number, end: number, shift: number, scope: MemoScope, visit: (value: NonNullable<T>, route: Route) => void, routes: readonly Route[]): void {
  const from = start - shift;
  const to = end - shift;
  memoStats.hits += end - start;
  for (let k = firstAtLeast(last.noted, from); k < last.noted.length && last.noted[k] < to; k++) {
    const notes = last.notes[k];
    for (const n of notes) scope.note(n);
    run.noted.push(last.noted[k] + shift);
    run.notes.push(notes);
  }
  for (let k = firstAtLeast(last.present, from); k < last.present.length && last.present[k] < to; k++) {
    const i = last.present[k] + shift;
    const value = last.values[k];
    run.present.push(i);
    run.values.push(value);
    visit(value, routes[i]);
  }
}

/** The place of the first number of `sorted` (ascending) that is at least `n`. */
function firstAtLeast(sorted: readonly number[], n: number): number {
  return firstNotBefore(0, sorted.length, (i) => sorted[i] < n);
}

/**
 * A memo's run on the routes of one app in one graph (`AppSlots.graphs`): the places (in
 * `app.routes`) of the routes with a value, and their values; the places of those whose value came
 * with notes, and the notes. Only what is there is kept: most routes give nothing.
 */
interface Dense<T> {
  gen: number;
  /** The key text of `each` (undefined: keys by context). */
  text: string | undefined;
  present: number[];
  values: NonNullable<T>[];
  noted: number[];
  notes: (readonly string[])[];
}

const NO_SEGMENTS: readonly number[] = [];

const NONE_CHANGED: ReadonlySet<string> = new Set();

let MEMOS = 0;

/** The entries of every route memo for one origin route (and one source), by memo id. */
interface Slot {
  origin: Route;
  entries: (Entry<unknown> | undefined)[];
  /** The last graph whose app listed the route (`AppSlots.graphs`), and its place in that list. */
  seen: number;
  at: number;
  /** The route object listed for it in that graph. */
  route: Route | undefined;
}

/**
 * The slots of one app (by `AppGraph.id`) of one source: those of the app's routes in the graph
 * the rules last ran on, in its order, and by origin. An update gives mostly the same route
 * objects in the same order (a replayed plugin run puts its routes back as they were), so the
 * next graph's slots are found by walking both lists side by side: a look-up by origin only where
 * they differ, and a slot dropped once its route is no longer listed. (Two maps of ~15,000 routes
 * filled again for every graph cost ~7 ms per update at 2,000 files.)
 */
interface AppSlots {
  graph: object;
  graphs: number;
  routes: readonly Route[];
  slots: Slot[];
  byOrigin: Map<Route, Slot>;
  /** Per key declaration, the context keys of the last graph `each` made them for, and which changed from the graph before. */
  keyMaps: Map<KeyParts, { gen: number; keys: ReadonlyMap<string, string>; changed: ReadonlySet<string> | undefined }>;
  /**
   * The runs of `routes` that are the same objects, in the same order, as a run of the graph
   * before's list: flat triples of start, end (in `routes`) and the start there.
   */
  segments: number[];
  /** Each memo's values for this graph's routes (`RouteMemo.each`), by memo id. */
  dense: (Dense<unknown> | undefined)[];
}

/** Per source, per app id; apps no longer in the graph are dropped when the graph changes. */
const TABLES = new WeakMap<object, { graph: object; apps: Map<string, AppSlots> }>();

function appSlots(scope: MemoScope, app: AppGraph): AppSlots {
  let t = TABLES.get(scope.source);
  if (!t) TABLES.set(scope.source, (t = { graph: scope.graph, apps: new Map() }));
  else if (t.graph !== scope.graph) {
    t.graph = scope.graph;
    const ids = new Set((scope.graph as { apps?: readonly AppGraph[] }).apps?.map((a) => a.id));
    for (const id of t.apps.keys()) if (!ids.has(id)) t.apps.delete(id);
  }
  let a = t.apps.get(app.id);
  if (!a) t.apps.set(app.id, (a = { graph: {}, graphs: 0, routes: [], slots: [], byOrigin: new Map(), keyMaps: new Map(), segments: [], dense: [] }));
  return a;
}

/** The slot of each route of the app, in `app.routes` order; found once per graph (and source). */
function slotsIn(a: AppSlots, scope: MemoScope, app: AppGraph): readonly Slot[] {
  if (a.graph === scope.graph && a.routes === app.routes) return a.slots;
  const gen = ++a.graphs;
  const before = a.routes;
  const beforeSlots = a.slots;
  const routes = app.routes;
  const slots: Slot[] = new Array(routes.length);
  const placeBefore = new Int32Array(routes.length);
  let j = 0;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i];
    let slot: Slot | undefined;
    if (j < before.length && before[j] === route) slot = beforeSlots[j++];
    else {
      const origin = routeOrigin(route);
      slot = a.byOrigin.get(origin);
      if (!slot) a.byOrigin.set(origin, (slot = { origin, entries: [], seen: 0, at: i, route: undefined }));
      // Listed before, further on: carry on from just after it (the routes skipped were removed or moved).
      else if (slot.seen === gen - 1 && slot.at >= j) j = slot.at + 1;
    }
    placeBefore[i] = slot.seen === gen - 1 && slot.route === route ? slot.at : -1;
    slot.seen = gen;
    slot.at = i;
    slot.route = route;
    slots[i] = slot;
  }
  for (const slot of beforeSlots) if (slot.seen !== gen) a.byOrigin.delete(slot.origin);
  a.graph = scope.graph;
  a.routes = routes;
  a.slots = slots;
  a.segments = segmentsOf(placeBefore);
  return slots;
}

/** The runs of consecutive places in `placeBefore` (-1: none), as `AppSlots.segments` lists them. */
function segmentsOf(placeBefore: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < placeBefore.length; ) {
    const from = placeBefore[i];
    if (from < 0) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < placeBefore.length && placeBefore[end] === from + (end - i)) end++;
    out.push(i, end, from);
    i = end;
  }
  return out;
}

/**
 * The ids of the contexts whose key under `parts` is not the one of the graph before (ids that
 * came or went included); undefined when the graph before's keys are not known (every key is
 * then looked at).
 */
function changedKeys(a: AppSlots, parts: KeyParts, keys: ReadonlyMap<string, string>): ReadonlySet<string> | undefined {
  const gen = a.graphs;
  const before = a.keyMaps.get(parts);
  if (before?.gen === gen) return before.changed;
  let changed: Set<string> | undefined;
  if (before?.gen === gen - 1) {
    changed = new Set();
    if (before.keys !== keys) {
      for (const [id, key] of keys) if (before.keys.get(id) !== key) changed.add(id);
      for (const id of before.keys.keys()) if (!keys.has(id)) changed.add(id);
    }
  }
  a.keyMaps.set(parts, { gen, keys, changed });
  return changed;
}

/**
 * What a rule reads outside a route, as text: of the app (`app`), and of each context on the
 * chain from the app's root to the route's context (`context`, '' when it reads nothing there).
 * Declare one constant per rule: keys are made once per app object and declaration.
 */
export interface KeyParts {
  app?(app: AppGraph): string;
  context?(ctx: Context): string;
}

/**
 * The key of each context of the app for `parts`: the app's text, then each context's on the
 * chain, root first. Made once per app object and `parts`, shared by the routes of the context.
 */
export function contextKeys(app: AppGraph, parts: KeyParts): ReadonlyMap<string, string> {
  let byParts = CONTEXT_KEYS.get(app);
  if (!byParts) CONTEXT_KEYS.set(app, (byParts = new Map()));
  let keys = byParts.get(parts);
  if (!keys) byParts.set(parts, (keys = listContextKeys(app, parts)));
  return keys;
}

const CONTEXT_KEYS = new WeakMap<AppGraph, Map<KeyParts, ReadonlyMap<string, string>>>();

function listContextKeys(app: AppGraph, parts: KeyParts): Map<string, string> {
  const out = new Map<string, string>();
  const context = parts.context;
  const walk = (ctx: Context, above: string) => {
    const key = context ? `${above}\u0001${context(ctx)}` : above;
    out.set(ctx.id, key);
    for (const child of ctx.children) walk(child, key);
  };
  walk(app.root, parts.app ? parts.app(app) : '');
  return out;
}

/** The key of a route whose context is not in the app's tree (no chain: the rule reads none). */
export const NO_CONTEXT = '\u0000no context';
