import type { Route, ServerOptions } from '../model';
import { walkContexts } from './rule-utils';
import type { Rule, RuleFinding } from './types';

/**
 * The router's key for a URL: parameter names do not matter to find-my-way (`/u/:id` and
 * `/u/:name` are one route), regex parts and literal `::` colons do.
 */
export function routerPattern(url: string): string {
  return url.replace(/::/g, '\u0000').replace(/:[^/\-.(:?]+/g, ':').replace(/\u0000/g, '::');
}

/** One text for a route's constraints, equal for routes the router cannot tell apart. */
function constraintsKey(route: Route): string {
  const c = route.constraints;
  return c ? JSON.stringify(Object.keys(c).sort().map((k) => [k, c[k]])) : '';
}

/**
 * The router's key for a declared URL under the app's router options: `caseSensitive: false`
 * folds case, `ignoreTrailingSlash` and `ignoreDuplicateSlashes` make the slash forms one (each
 * checked on fastify 5.12: the second form throws FST_ERR_DUPLICATED_ROUTE).
 */
function routeKey(route: Route, server: ServerOptions): string {
  let url = route.url;
  if (server.ignoreDuplicateSlashes) url = url.replace(/\/{2,}/g, '/');
  if (server.ignoreTrailingSlash && url.length > 1 && url.endsWith('/')) url = url.slice(0, -1);
  if (!server.caseSensitive) url = url.toLowerCase();
  return `${routerPattern(url)} ${constraintsKey(route)}`;
}

export const duplicateRoute: Rule = {
  id: 'duplicate-route',
  summary: 'the same method and URL declared twice in one app (after prefixes, autoload and `all()`; parameter names ignored)',
  why: 'Fastify refuses the second declaration at boot with FST_ERR_DUPLICATED_ROUTE: the app does not start.',
  wrong: "app.get('/users/:id', getUser)\napp.register(async (f) => {\n  f.get('/:name', getByName)\n}, { prefix: '/users' })",
  right: "app.get('/users/:id', getUser)\napp.register(async (f) => {\n  f.get('/by-name/:name', getByName)\n}, { prefix: '/users' })",
  defaultSeverity: 'error',
  check({ graph }) {
    const out: RuleFinding[] = [];
    for (const app of graph.apps) {
      // Conditional routes (an `if` on the environment, a conditional register) are left out: the
      // graph does not say which condition, and two branches may never run together.
      const conditionalCtx = new Set<number>();
      walkContexts(app, (ctx, conditional) => conditional && conditionalCtx.add(ctx.id));
      const byPattern = new Map<string, { method: string; route: Route }[]>();
      for (const route of app.routes) {
        // Constraints not known statically (a version from a variable, options from a spread) could tell any two apart.
        if (!route.urlKnown || route.conditional || route.constraintsUnknown || conditionalCtx.has(route.contextId)) continue;
        const pattern = routeKey(route, app.serverOptions);
        const earlier = byPattern.get(pattern) ?? [];
        if (route.implicitHead) {
          // Fastify 5 keeps the HEAD twin of a GET: an explicit HEAD declared after the GET is a
          // duplicate (booted). Fastify 4 gives way to it. The twin itself is never reported:
          // Fastify does not add it where a HEAD already exists.
          if (app.fastifyMajor >= 5) earlier.push({ method: 'HEAD', route });
          byPattern.set(pattern, earlier);
          continue;
        }
        // `all()` takes every method the router supports, so it clashes with any of them.
        const first = earlier.find((e) => e.route !== route && route.methods.some((m) => m === e.method || m === 'ALL' || e.method === 'ALL'));
        if (first) {
          const method = route.methods.find((m) => m === first.method || m === 'ALL' || first.method === 'ALL') ?? route.methods[0];
          const where = first.route.package ? `by ${first.route.package} (registered at line ${first.route.span.line})` : `at line ${first.route.span.line}`;
          if (first.route.implicitHead) {
            out.push({
              message: `HEAD ${route.url} clashes with the HEAD route Fastify ${app.fastifyMajor} adds for the GET at line ${first.route.span.line}: Fastify throws FST_ERR_DUPLICATED_ROUTE at boot; declare the HEAD before the GET, or give the GET exposeHeadRoute: false`,
              span: route.span,
              related: [{ message: `GET ${first.route.url} (its HEAD twin)`, span: first.route.span }],
            });
            continue;
          }
          out.push({
            message: `${method} ${route.url}${route.package ? ` (from ${route.package})` : ''} is already declared${first.route.url !== route.url ? ` as ${first.route.url}` : ''} ${where}: Fastify throws FST_ERR_DUPLICATED_ROUTE at boot`,
            span: route.span,
            related: [{ message: `${first.method} ${first.route.url} first declared here`, span: first.route.span }],
          });
          continue;
        }
        for (const method of route.methods) earlier.push({ method, route });
        byPattern.set(pattern, earlier);
      }
    }
    return out;
  },
};
