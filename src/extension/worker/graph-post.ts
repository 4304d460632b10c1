import type { AppGraph, Context, Route, WorkspaceGraph } from '../../core/model';

/**
 * A graph as posted to the extension host: each context and route the host already has, from the
 * graph posted before, goes as a reference to it (`GraphRef`), and only the others go whole.
 *
 * An update shares with the graph before every object it did not redo (a replayed plugin run puts
 * back the very contexts and routes it recorded when no number moved, and `viewGraph` keeps its
 * copies of them), and an object's whole subtree is then the same. So after an edit inside a
 * handler the message holds the contexts the edit redid (the edited plugin's and its ancestors')
 * with references to the rest, instead of every context and route of the workspace, and the host
 * reads that instead of the whole graph (`graph-patch.ts` puts it back together).
 */
export interface GraphRef {
  $ref: number;
}

export interface PostedGraph {
  /** The graph, with `GraphRef`s in place of contexts and routes of the graph posted before. */
  graph: WorkspaceGraph;
  /** The contexts and routes posted whole (the same objects as in `graph`), and their handles. */
  fresh: (Context | Route)[];
  handles: number[];
}

export class GraphPoster {
  private readonly handles = new WeakMap<object, number>();
  private next = 1;
  /** The contexts and routes of the graph posted last, which the host has. */
  private hostHas = new WeakSet<object>();

  /** The host has nothing to refer to (a new analyser; a message that may not have arrived). */
  reset(): void {
    this.hostHas = new WeakSet();
  }

  /** The message for `view`, from now on the graph the host has. */
  post(view: WorkspaceGraph): PostedGraph {
    const has = this.hostHas;
    const now = new WeakSet<object>();
    const fresh: (Context | Route)[] = [];
    const handles: number[] = [];
    const handle = (o: object) => {
      let h = this.handles.get(o);
      if (h === undefined) this.handles.set(o, (h = this.next++));
      return h;
    };
    const posted = new Map<object, object>();
    /** A context or route the host keeps: all of its subtree stays on the host too. */
    const keep = (o: Context | Route): void => {
      now.add(o);
      if ('children' in o) {
        for (const r of o.routes) now.add(r);
        for (const c of o.children) keep(c);
      }
    };
    const route = (r: Route): Route | GraphRef => {
      if (has.has(r)) {
        now.add(r);
        return { $ref: handle(r) };
      }
      if (!posted.has(r)) {
        posted.set(r, r);
        now.add(r);
        fresh.push(r);
        handles.push(handle(r));
      }
      return r;
    };
    const context = (c: Context): Context | GraphRef => {
      if (has.has(c)) {
        keep(c);
        return { $ref: handle(c) };
      }
      now.add(c);
      const copy = { ...c, children: c.children.map(context), routes: c.routes.map(route) } as Context;
      fresh.push(copy);
      handles.push(handle(c));
      return copy;
    };
    const app = (a: AppGraph): AppGraph => ({ ...a, root: context(a.root) as Context, routes: a.routes.map(route) as Route[] });
    const graph = { ...view, apps: view.apps.map(app) };
    this.hostHas = now;
    return { graph, fresh, handles };
  }
}

export function isGraphRef(x: unknown): x is GraphRef {
  return typeof x === 'object' && x !== null && typeof (x as GraphRef).$ref === 'number' && Object.keys(x).length === 1;
}
