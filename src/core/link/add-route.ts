import type { Route } from '../model';
import type { ContextBuilder } from './context-builder';
import type { Interpreter } from './interpreter';
import { expandRoute, optionalParamBase, type RouteShape } from './url-join';

/** Marks an item declared under a run-time condition (the interpreter knows when it is in one). */
export function markConditional<T extends { conditional?: boolean }>(interp: Interpreter, item: T): T {
  if (interp.conditional) item.conditional = true;
  return item;
}

/** What a declaration says about a route beyond its URL, methods and place in the tree. */
export type RouteFields = Omit<Route, 'id' | 'methods' | 'alsoServes' | 'url' | 'path' | 'prefix' | 'contextId' | 'implicitHead'>;

/**
 * Registers a declared route as Fastify does: expands it under the context's prefix (trailing
 * slash twins, implicit HEAD), records what the router now serves, and adds the route and its
 * implicit HEAD routes to the context and the app. `methods` are the methods as declared (`ALL`
 * stays one), `shape.methods` the ones the router gets.
 */
export function addRoute(interp: Interpreter, ctx: ContextBuilder, methods: string[], shape: RouteShape, fields: RouteFields): Route {
  const app = ctx.app;
  const expanded = expandRoute(ctx.ctx.prefix, shape, app.serverOptions, (m, u) => app.hasRoute(m, u));
  for (const e of expanded) app.markRegistered(e.method, e.url);
  const explicit = expanded.filter((e) => !e.implicitHead);
  const main = explicit.find((e) => e.onRoute) ?? explicit[0];
  const url = main?.url ?? ctx.ctx.prefix + shape.path;
  const alsoServes = [...new Set(explicit.filter((e) => e.url !== url).map((e) => e.url))];
  const optionalBase = optionalParamBase(url);
  if (optionalBase !== undefined) alsoServes.push(optionalBase);

  app.runs?.routeDeclared(ctx);
  const base = { url, path: shape.path, prefix: ctx.ctx.prefix, contextId: ctx.ctx.id, ...fields };
  const route = markConditional<Route>(interp, { id: ctx.routeId(), methods, alsoServes, ...base });
  ctx.ctx.routes.push(route);
  app.routes.push(route);
  for (const h of expanded.filter((e) => e.implicitHead)) {
    const head = markConditional<Route>(interp, { id: ctx.routeId(), methods: ['HEAD'], alsoServes: [], implicitHead: true, ...base, url: h.url });
    ctx.ctx.routes.push(head);
    app.routes.push(head);
  }
  return route;
}
