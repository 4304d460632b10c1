import { isDeepStrictEqual } from 'node:util';
import type { AppGraph, Context, Route, WorkspaceGraph } from '../../core/model';
import { routeOrigin } from '../../core/route-origin';
import type { GraphRef, PostedGraph } from './graph-ref';
import { analysedRoute } from './view-graph';

/** A context or route of the graph posted last: its handle, and how it went in that post. */
interface Posted {
  handle: number;
  as?: unknown;
}

/** Makes the worker's graph messages (`graph-ref.ts`): knows what the host has, and decides what goes how. */
export class GraphPoster {
  private handles = 0;
  /** The contexts and routes of the graph posted last (the host has them), by object. */
  private known = new Map<object, Posted>();
  /** Its contexts by app, id, kind, name and place (`placeKey`). */
  private byPlace = new Map<string, Context>();

  /** The host has nothing to refer to (a new analyser; a message that may not have arrived). */
  reset(): void {
    this.known = new Map();
    this.byPlace = new Map();
  }

  /** The message for `view`, from now on the graph the host has. */
  post(view: WorkspaceGraph): PostedGraph {
    const known = this.known;
    const byPlace = this.byPlace;
    const now = new Map<object, Posted>();
    const nowByPlace = new Map<string, Context>();
    const fresh: (Context | Route)[] = [];
    const handles: number[] = [];
    /** The routes of the graph before by the route they copy: made on the first route the host does not have. */
    let byOrigin: Map<Route, Route> | undefined;
    const copyBefore = (r: Route): Posted | undefined => {
      if (!byOrigin) {
        byOrigin = new Map();
        for (const o of known.keys()) if (!('children' in o)) byOrigin.set(originOf(o as Route), o as Route);
      }
      const copied = byOrigin.get(originOf(r));
      return copied && known.get(copied);
    };
    const enter = (o: object): Posted => {
      let p = known.get(o);
      if (p) p.as = undefined;
      else p = { handle: ++this.handles };
      now.set(o, p);
      return p;
    };
    const whole = <T extends Context | Route>(p: Posted, posted: T): T => {
      fresh.push(posted);
      handles.push(p.handle);
      return posted;
    };
    /** A context the host keeps, with its whole subtree. */
    const keep = (c: Context, appId: string): void => {
      enter(c);
      nowByPlace.set(placeKey(c, appId), c);
      for (const r of c.routes) enter(r);
      for (const child of c.children) keep(child, appId);
    };
    const route = (r: Route): Route | GraphRef => {
      const again = now.get(r);
      // Its second place in this message (AppGraph.routes): the same object, or the same reference.
      if (again) return again.as === r ? r : { $ref: again.handle };
      const hostHas = known.has(r);
      const p = enter(r);
      const previous = hostHas ? undefined : copyBefore(r);
      p.as = hostHas ? { $ref: p.handle } : previous ? { $ref: previous.handle, $as: p.handle, id: r.id, contextId: r.contextId } : whole(p, r);
      return p.as as Route | GraphRef;
    };
    const context = (c: Context, appId: string): Context | GraphRef => {
      const held = known.get(c);
      if (held) {
        keep(c, appId);
        return { $ref: held.handle };
      }
      const p = enter(c);
      const key = placeKey(c, appId);
      nowByPlace.set(key, c);
      const children = c.children.map((k) => context(k, appId));
      const routes = c.routes.map(route);
      const same = byPlace.get(key);
      const previous = same && sameOwnFields(c, same) && known.get(same);
      if (previous) return { $ref: previous.handle, $as: p.handle, children, routes };
      return whole(p, { ...c, children, routes } as Context);
    };
    const app = (a: AppGraph): AppGraph => ({ ...a, root: context(a.root, a.id) as Context, routes: a.routes.map(route) as Route[] });
    const graph = { ...view, apps: view.apps.map(app) };
    const dropped: number[] = [];
    for (const [o, p] of known) if (!now.has(o)) dropped.push(p.handle);
    this.known = now;
    this.byPlace = nowByPlace;
    return { graph, fresh, handles, dropped };
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
    if (x[k] !== y[k] && !isDeepStrictEqual(x[k], y[k])) return false;
  }
  for (const k in y) if (k !== 'children' && k !== 'routes') n--;
  return n === 0;
}

/** The analysed route a view route was made from, and the route that one copies. */
function originOf(r: Route): Route {
  return routeOrigin(analysedRoute(r));
}
