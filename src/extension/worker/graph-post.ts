import { isDeepStrictEqual } from 'node:util';
import type { AppGraph, Context, Route, WorkspaceGraph } from '../../core/model';
import { routeOrigin } from '../../core/route-origin';
import type { GraphRef, PostedGraph, RouteSlice } from './graph-ref';
import { analysedRoute } from './view-graph';

/** A context or route the host has: its handle, the post that last had it, and how it went there. */
interface Posted {
  handle: number;
  post: number;
  /** How a route went in that post. */
  as?: Route | GraphRef;
}

/**
 * Makes the worker's graph messages (`graph-ref.ts`): knows what the host has, and decides what goes how.
 *
 * The work of a post is the message's, not the graph's: a context the host has goes as a
 * reference without a walk of its subtree, so what the host holds is every object posted since the
 * last sweep. A sweep (when that is over twice what the graph had at the sweep before) walks the
 * graph and lists the objects it no longer has (`dropped`); the host forgets them with that message.
 */
export class GraphPoster {
  private handles = 0;
  private posts = 0;
  /** The contexts and routes the host has, by object. */
  private known = new Map<object, Posted>();
  /** Of those, the route posted last for each origin (`routeOrigin`): a renumbered copy refers to it. */
  private byOrigin = new Map<Route, Route>();
  /** The context posted last for each app, id, kind, name and place (`placeKey`). */
  private byPlace = new Map<string, Context>();
  /** The `AppGraph.routes` posted last, by app id: stretches of the same routes go as slices of it. */
  private appRoutes = new Map<string, Route[]>();
  /** Contexts and routes of the graph at the last sweep. */
  private live = 0;

  /** The host has nothing to refer to (a new analyser; a message that may not have arrived). */
  reset(): void {
    this.known = new Map();
    this.byOrigin = new Map();
    this.byPlace = new Map();
    this.appRoutes = new Map();
    this.live = 0;
  }

  /** How many contexts and routes the host holds (what `GraphPatcher.held` says on its side). */
  get held(): number {
    return this.known.size;
  }

  /** The message for `view`, from now on the graph the host has. */
  post(view: WorkspaceGraph): PostedGraph {
    const { known, byOrigin, byPlace, appRoutes } = this;
    const post = ++this.posts;
    const fresh: (Context | Route)[] = [];
    const handles: number[] = [];
    const enter = (o: object): Posted => {
      const p: Posted = { handle: ++this.handles, post };
      known.set(o, p);
      return p;
    };
    const whole = <T extends Context | Route>(p: Posted, posted: T): T => {
      fresh.push(posted);
      handles.push(p.handle);
      return posted;
    };
    const route = (r: Route): Route | GraphRef => {
      const had = known.get(r);
      // Its second place in this message (AppGraph.routes): the same object, or the same reference.
      if (had?.post === post) return had.as === r ? r : { $ref: had.handle };
      if (had) {
        had.post = post;
        had.as = { $ref: had.handle };
        return had.as;
      }
      const p = enter(r);
      const origin = originOf(r);
      const copied = byOrigin.get(origin);
      const previous = copied && known.get(copied);
      byOrigin.set(origin, r);
      p.as = previous ? { $ref: previous.handle, $as: p.handle, id: r.id, contextId: r.contextId } : whole(p, r);
      return p.as;
    };
    const context = (c: Context, appId: string): Context | GraphRef => {
      const held = known.get(c);
      // The host has it, with its whole subtree.
      if (held) return { $ref: held.handle };
      const key = placeKey(c, appId);
      const same = byPlace.get(key);
      byPlace.set(key, c);
      const previous = same && sameOwnFields(c, same) ? known.get(same) : undefined;
      if (!previous) return whole(enter(c), { ...c, children: c.children.map((k) => context(k, appId)), routes: c.routes.map(route) } as Context);
      const children = sameItems(c.children, same!.children) ? undefined : c.children.map((k) => context(k, appId));
      const routes = sameItems(c.routes, same!.routes) ? undefined : c.routes.map(route);
      if (children || routes) return { $ref: previous.handle, $as: enter(c).handle, ...(children ? { children } : {}), ...(routes ? { routes } : {}) };
      // Equal to the context the host has in its place, lists and all: the host keeps that object,
      // which now stands for this one (the one before is in no graph any more).
      known.delete(same!);
      known.set(c, previous);
      return { $ref: previous.handle };
    };
    const app = (a: AppGraph): AppGraph => {
      const root = context(a.root, a.id) as Context;
      const before = appRoutes.get(a.id);
      appRoutes.set(a.id, a.routes);
      return { ...a, root, routes: (before ? slices(a.routes, before, route) : a.routes.map(route)) as Route[] };
    };
    const graph = { ...view, apps: view.apps.map(app) };
    return { graph, fresh, handles, dropped: known.size > 2 * this.live + 256 ? this.sweep(view) : [] };
  }

  /** Forgets what the host holds that `view` does not have; their handles, for the host to forget too. */
  private sweep(view: WorkspaceGraph): number[] {
    const inGraph = new Set<object>();
    const walk = (c: Context): void => {
      inGraph.add(c);
      for (const r of c.routes) inGraph.add(r);
      for (const k of c.children) walk(k);
    };
    for (const a of view.apps) walk(a.root);
    const dropped: number[] = [];
    for (const [o, p] of this.known) {
      if (inGraph.has(o)) continue;
      dropped.push(p.handle);
      this.known.delete(o);
    }
    for (const [origin, r] of this.byOrigin) if (!inGraph.has(r)) this.byOrigin.delete(origin);
    for (const [key, c] of this.byPlace) if (!inGraph.has(c)) this.byPlace.delete(key);
    this.live = inGraph.size;
    return dropped;
  }
}

/** Where a context is: the context of the graph before with the same place is the one to compare it with. */
function placeKey(c: Context, appId: string): string {
  return `${appId}\n${c.id}\n${c.kind}\n${c.name}\n${c.span.file}:${c.span.start}`;
}

/**
 * Whether two contexts have equal own fields (all but `children` and `routes`). A context a
 * replayed run ran in is made again by the plugin above it, and holds the very objects the run
 * appended to it: most fields compare by identity.
 */
function sameOwnFields(a: Context, b: Context): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (k === 'children' || k === 'routes') continue;
    n++;
    if (!sameValue(x[k], y[k])) return false;
  }
  for (const k in y) if (k !== 'children' && k !== 'routes') n--;
  return n === 0;
}

/**
 * An app's routes as the stretches they share with its routes posted before (`$slice`) and the
 * routes between them (`route`). The next route is looked for where the last stretch ended, then
 * anywhere (an index of `before`, made at the first miss).
 */
function slices(routes: Route[], before: Route[], route: (r: Route) => Route | GraphRef): (Route | GraphRef | RouteSlice)[] {
  const out: (Route | GraphRef | RouteSlice)[] = [];
  let index: Map<Route, number> | undefined;
  let next = 0;
  for (let i = 0; i < routes.length; ) {
    const r = routes[i];
    let at = before[next] === r ? next : -1;
    if (at < 0) {
      index ??= new Map(before.map((x, k) => [x, k]));
      at = index.get(r) ?? -1;
    }
    let n = 0;
    if (at >= 0) while (i + n < routes.length && at + n < before.length && routes[i + n] === before[at + n]) n++;
    if (n > 1) {
      out.push({ $slice: [at, at + n] });
      i += n;
      next = at + n;
    } else {
      out.push(route(r));
      i++;
      if (at >= 0) next = at + 1;
    }
  }
  return out;
}

/** Two lists of the same objects. */
function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}

/** Equal: the same value, lists of the same objects (a context's lists made again by a replay), or deeply equal. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b) && sameItems(a, b)) return true;
  return isDeepStrictEqual(a, b);
}

/** The analysed route a view route was made from, and the route that one copies. */
function originOf(r: Route): Route {
  return routeOrigin(analysedRoute(r));
}
