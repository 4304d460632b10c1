import type { Context, Route, WorkspaceGraph } from '../core/model';
import { isGraphRef, type PostedGraph } from './worker/graph-post';

/**
 * The extension host's side of `worker/graph-post.ts`: puts a posted graph back together with the
 * contexts and routes it refers to from the graph before, and keeps the new graph's for the next.
 * Throws on a reference it does not have (the caller starts a full analysis).
 */
export class GraphPatcher {
  private byHandle = new Map<number, Context | Route>();
  private readonly handleOf = new WeakMap<object, number>();

  /** Forget the graph before (a full analysis). */
  reset(): void {
    this.byHandle = new Map();
  }

  apply(m: PostedGraph): WorkspaceGraph {
    const fresh = new Set<object>(m.fresh);
    m.fresh.forEach((o, i) => this.handleOf.set(o, m.handles[i]));
    const next = new Map<number, Context | Route>();
    const known = <T extends Context | Route>(x: T | { $ref: number }): T => {
      if (!isGraphRef(x)) return x;
      const o = this.byHandle.get(x.$ref);
      if (!o) throw new Error(`graph update refers to ${x.$ref}, which the graph before does not have`);
      return o as T;
    };
    const keep = (o: Context | Route) => {
      const h = this.handleOf.get(o);
      if (h !== undefined) next.set(h, o);
    };
    const route = (r: Route | { $ref: number }): Route => {
      const x = known(r);
      keep(x);
      return x;
    };
    const context = (c: Context | { $ref: number }): Context => {
      const x = known(c);
      keep(x);
      if (fresh.has(x)) {
        x.children = x.children.map(context);
        x.routes = x.routes.map(route);
      } else {
        // A context of the graph before: its subtree is as it was, and stays for the next graph.
        for (const r of x.routes) keep(r);
        for (const child of x.children) context(child);
      }
      return x;
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
