import type { Context, Route, WorkspaceGraph } from '../core/model';
import { isGraphRef, type GraphRef, type PostedGraph } from './worker/graph-ref';

/**
 * The extension host's side of `worker/graph-post.ts`: puts a posted graph back together from the
 * contexts and routes of the graph before it refers to, and keeps the new graph's for the next.
 * Throws on a reference it does not have (the caller starts a full analysis).
 */
/** The handle of a context or route the host got: a property no JSON text or copy carries. */
const HANDLE = Symbol('graph handle');
type Handled = { [HANDLE]?: number };

function setHandle(o: object, h: number): void {
  Object.defineProperty(o, HANDLE, { value: h });
}

export class GraphPatcher {
  private byHandle = new Map<number, Context | Route>();

  /** Forget the graph before (a full analysis). */
  reset(): void {
    this.byHandle = new Map();
  }

  apply(m: PostedGraph): WorkspaceGraph {
    const fresh = new Set<object>(m.fresh);
    m.fresh.forEach((o, i) => setHandle(o, m.handles[i]));
    const next = new Map<number, Context | Route>();
    const keep = (o: Context | Route, h = (o as Handled)[HANDLE]) => {
      if (h !== undefined) next.set(h, o);
      return o;
    };
    const referred = (x: GraphRef): Context | Route => {
      // A copy made earlier in this message (a route's second place), else an object of the graph before.
      const o = next.get(x.$ref) ?? this.byHandle.get(x.$ref);
      if (!o) throw new Error(`graph update refers to ${x.$ref}, which the graph before does not have`);
      return o;
    };
    const route = (r: Route | GraphRef): Route => {
      if (!isGraphRef(r)) return keep(r) as Route;
      const o = referred(r) as Route;
      if (r.$as === undefined) return keep(o) as Route;
      const copy: Route = { ...o, id: r.id!, contextId: r.contextId! };
      setHandle(copy, r.$as);
      return keep(copy, r.$as) as Route;
    };
    /** A context of the graph before: it and its subtree stay for the next graph. */
    const keepTree = (c: Context): void => {
      keep(c);
      for (const r of c.routes) keep(r);
      for (const child of c.children) keepTree(child);
    };
    const context = (c: Context | GraphRef): Context => {
      if (!isGraphRef(c)) {
        if (!fresh.has(c)) throw new Error('graph update has a context that is neither new nor referred to');
        keep(c);
        c.children = c.children.map(context);
        c.routes = c.routes.map(route);
        return c;
      }
      const o = referred(c) as Context;
      if (c.$as === undefined) {
        keepTree(o);
        return o;
      }
      const copy: Context = { ...o, children: c.children!.map(context), routes: c.routes!.map(route) };
      setHandle(copy, c.$as);
      keep(copy, c.$as);
      return copy;
    };
    const graph = m.graph;
    for (const app of graph.apps) {
      app.root = context(app.root);
      app.routes = app.routes.map(route);
    }
    this.byHandle = next;
    return graph;
  }
}
