import type { Context, Route, WorkspaceGraph } from '../../core/model';

/**
 * A graph as posted to the extension host, by reference to the graph posted before wherever it
 * can be:
 * - a context or route the host has (the same object) goes as `{ $ref }`: an update shares with
 *   the graph before every object it did not redo (a replayed plugin run puts back the very
 *   contexts and routes it recorded unless its context's id moved, and `viewGraph` keeps its copies of
 *   them), and then the object's whole subtree is the same;
 * - a route that is a renumbered copy of one the host has (a replayed run put back under a context
 *   whose id moved: `routeOrigin`) goes as `{ $ref, $as, id, contextId }`, the only fields that differ;
 * - a context whose own fields (all but `children` and `routes`) equal those of the context the host
 *   has in its place (the context a replayed run ran in, made again by the plugin above it) goes
 *   as `{ $ref, $as, children, routes }`, without `children` or `routes` when that list holds the
 *   same objects as the one referred to;
 * - anything else goes whole;
 * - in `AppGraph.routes`, a stretch of the same routes as in the app's `routes` posted before (by
 *   app id) goes as `{ $slice: [from, to] }`, that list's indexes.
 
 * `$as` is the handle of the new object, for the graphs after. So after an edit inside a handler
 * the message holds the edited plugin's contexts and routes and references for the rest, instead
 * of every context and route of the workspace, and the host reads that instead of the whole graph
 * (`graph-patch.ts` puts it back together).
 */
export interface GraphRef {
  $ref: number;
  /** The handle of the copy made from the object referred to, with the fields given here replaced. */
  $as?: number;
  id?: string;
  contextId?: string;
  children?: (Context | GraphRef)[];
  routes?: (Route | GraphRef)[];
}

/** `AppGraph.routes[from, to)` of the graph posted before (the same app id). */
export interface RouteSlice {
  $slice: [number, number];
}

export function isRouteSlice(x: unknown): x is RouteSlice {
  return typeof x === 'object' && x !== null && Array.isArray((x as RouteSlice).$slice);
}

export interface PostedGraph {
  /** The graph, with `GraphRef`s in place of contexts and routes made from those of the graph posted before. */
  graph: WorkspaceGraph;
  /** The contexts and routes posted whole (the same objects as in `graph`), and their handles. */
  fresh: (Context | Route)[];
  handles: number[];
  /** Handles of the graph before that this graph no longer has: the host forgets them. */
  dropped: number[];
}

export function isGraphRef(x: unknown): x is GraphRef {
  return typeof x === 'object' && x !== null && typeof (x as GraphRef).$ref === 'number';
}
