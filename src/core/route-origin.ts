import type { Route } from './model';

/**
 * Which route a route is a renumbered copy of. A replayed plugin run puts its routes back as they
 * were recorded, or, when its context's id moved (numbers are local to a context, so that is
 * rare), as shallow copies that differ only in `id` and
 * `contextId` (`link/replay/renumber.ts`). Whatever reads a route but neither of those fields may
 * key what it computes by `routeOrigin(route)` and reuse it across analyses: equal origins mean
 * the same object graph below the route (schemas, hooks, body facts, spans), unchanged since
 * graphs are immutable once returned.
 */
const ORIGIN = new WeakMap<Route, Route>();

export function markRenumberedCopy(copy: Route, of: Route): void {
  ORIGIN.set(copy, routeOrigin(of));
}

/** The route first recorded for this one (itself when it is not a renumbered copy). */
export function routeOrigin(route: Route): Route {
  return ORIGIN.get(route) ?? route;
}
