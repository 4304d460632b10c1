import type { AppGraph, Context, Hook, Route, RouteHook, RouteSchema, SchemaPart, WorkspaceGraph } from '../../core/model';

/** The view copy of each analysed object, kept for the next graphs (`viewGraph`). */
const COPIES = new WeakMap<object, object>();
const ANALYSED = Symbol('analysed route');

/** The analysed route a route of a view graph was made from. */
export function analysedRoute(view: Route): Route {
  return (view as Route & { [ANALYSED]?: Route })[ANALYSED] ?? view;
}

/**
 * The graph as the editor side gets it: everything the views, CodeLens, hover, definition, route
 * search and the editor's own actions read. What only the worker's rules and fixes read stays in
 * the worker: handler and hook body facts (`Route.body`, `RouteHook.body`, `Hook.body`) and
 * schema values (`SchemaPart.value`, `RouteSchema.responseValues`). Every graph the worker posts is
 * structured-cloned onto the extension host's thread, where a 2,000-file graph costs hundreds of
 * milliseconds; these are about a third of its objects.
 *
 * Only objects that lose a field are copied (once each: a route stays one object in its context
 * and in `AppGraph.routes`, an implicit HEAD route keeps sharing its GET route's schema); the
 * analysed graph is not changed. The copies are kept for the next graphs (a graph is immutable
 * once returned, and an update shares the objects of what it did not redo), so what did not change
 * is not copied again.
 */
export function viewGraph(graph: WorkspaceGraph): WorkspaceGraph {
  const once = <T extends object>(x: T, make: (x: T) => T): T => {
    let c = COPIES.get(x) as T | undefined;
    if (!c) COPIES.set(x, (c = make(x)));
    return c;
  };

  const part = (p: SchemaPart | undefined): SchemaPart | undefined => {
    if (!p || !('value' in p)) return p;
    return once(p, ({ value: _value, ...rest }) => rest);
  };
  const schema = (s: RouteSchema): RouteSchema =>
    once(s, ({ responseValues: _responseValues, ...rest }) => {
      for (const k of ['body', 'querystring', 'params', 'headers'] as const) if (rest[k]) rest[k] = part(rest[k]);
      return rest;
    });
  const withoutBody = <T extends { body?: unknown }>(h: T): T => (h.body === undefined ? h : once(h, ({ body: _body, ...rest }) => rest as T));
  const route = (r: Route): Route =>
    once(r, ({ body: _body, ...rest }) => {
      if (rest.schema) rest.schema = schema(rest.schema);
      rest.hooks = rest.hooks.map((h: RouteHook) => withoutBody(h));
      // Which analysed route it shows (graph-post.ts finds renumbered copies by it): a property no copy, message or JSON text has.
      Object.defineProperty(rest, ANALYSED, { value: r });
      return rest;
    });
  const context = (c: Context): Context =>
    once(c, (x) => ({ ...x, routes: x.routes.map(route), hooks: x.hooks.map((h: Hook) => withoutBody(h)), children: x.children.map(context) }));
  const app = (a: AppGraph): AppGraph => ({ ...a, root: context(a.root), routes: a.routes.map(route) });

  return { ...graph, apps: graph.apps.map(app) };
}
