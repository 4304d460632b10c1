import type { Context, Route, WorkspaceGraph } from '../core/model';
import { isGraphRef, isRouteSlice, type GraphRef, type PostedGraph, type RouteSlice } from './worker/graph-ref';

/**
 * The extension host's side of `worker/graph-post.ts`: puts a posted graph back together from the
 * contexts and routes of the graphs before it refers to, and keeps the new graph's for the next (the
 * new ones added, those the worker lists as dropped forgotten: the work is the message's, not the
 * graph's). Throws on a reference it does not have (the caller starts a full analysis).
 */
export class GraphPatcher {
  /** The contexts and routes the host holds (those posted since the worker's last sweep), by handle. */
  private byHandle = new Map<number, Context | Route>();
  /** Each app's routes in the graph before, by app id (`$slice`s index them). */
  private appRoutes = new Map<string, Route[]>();

  /** How many contexts and routes it holds (what `GraphPoster.held` says on the worker's side). */
  get held(): number {
    return this.byHandle.size;
  }

  /** Forget the graph before (a full analysis). */
  reset(): void {
    this.byHandle = new Map();
    this.appRoutes = new Map();
  }

  apply(m: PostedGraph): WorkspaceGraph {
    const byHandle = this.byHandle;
    const fresh = new Set<object>(m.fresh);
    m.fresh.forEach((o, i) => byHandle.set(m.handles[i], o));
    const referred = (x: GraphRef): Context | Route => {
      const o = byHandle.get(x.$ref);
      if (!o) throw new Error(`graph update refers to ${x.$ref}, which the graph before does not have`);
      return o;
    };
    /** A copy made from an object referred to (`$as`), kept under its handle. */
    const made = <T extends Context | Route>(o: T, h: number): T => {
      byHandle.set(h, o);
      return o;
    };
    const route = (r: Route | GraphRef): Route => {
      if (!isGraphRef(r)) return r;
      const o = referred(r) as Route;
      return r.$as === undefined ? o : made({ ...o, id: r.id!, contextId: r.contextId! }, r.$as);
    };
    const context = (c: Context | GraphRef): Context => {
      if (!isGraphRef(c)) {
        if (!fresh.has(c)) throw new Error('graph update has a context that is neither new nor referred to');
        c.children = c.children.map(context);
        c.routes = c.routes.map(route);
        return c;
      }
      // A context of the graph before (with its whole subtree), or one made from it with new lists.
      // (Without `children` or `routes`: that list of the context referred to.)
      const o = referred(c) as Context;
      return c.$as === undefined ? o : made({ ...o, children: c.children ? c.children.map(context) : o.children, routes: c.routes ? c.routes.map(route) : o.routes }, c.$as);
    };
    const graph = m.graph;
    const appRoutes = new Map<string, Route[]>();
    for (const app of graph.apps) {
      app.root = context(app.root);
      const before = this.appRoutes.get(app.id);
      const list: Route[] = [];
      for (const r of app.routes as (Route | GraphRef | RouteSlice)[]) {
        if (!isRouteSlice(r)) list.push(route(r));
        else if (!before || r.$slice[1] > before.length) throw new Error(`graph update refers to routes ${r.$slice.join('–')} of app ${app.id}, which the graph before does not have`);
        else for (let k = r.$slice[0]; k < r.$slice[1]; k++) list.push(before[k]);
      }
      app.routes = list;
      appRoutes.set(app.id, list);
    }
    for (const h of m.dropped) byHandle.delete(h);
    this.appRoutes = appRoutes;
    return graph;
  }
}
