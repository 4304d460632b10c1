import type { Route, ServerOptions } from '../model';
import { walkContexts } from './rule-utils';
import { RouteMemo } from './route-memo';
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

/**
 * Each route's router key under its app's router options, as a number (`keyId`): the one
 * per-route work of this grouping kept across runs.
 */
const KEYS = new RouteMemo<number>();

/**
 * Router keys as small numbers, so that grouping the routes (some 15,000 at 2,000 files, on every
 * edit) indexes an array instead of hashing strings. The table grows with the keys seen; once it
 * holds four times the routes of a run (plus some) it is emptied as that run begins, and its
 * generation is part of the memo key: numbers of two generations never meet.
 */
const KEY_IDS = new Map<string, number>();
let keyGeneration = 0;

function keyId(text: string): number {
  let id = KEY_IDS.get(text);
  if (id === undefined) KEY_IDS.set(text, (id = KEY_IDS.size));
  return id;
}

export const duplicateRoute: Rule = {
  id: 'duplicate-route',
  summary: 'the same method and URL declared twice in one app (after prefixes, autoload and `all()`; parameter names ignored)',
  why: 'Fastify refuses the second declaration at boot with FST_ERR_DUPLICATED_ROUTE: the app does not start.',
  wrong: "app.get('/users/:id', getUser)\napp.register(async (f) => {\n  f.get('/:name', getByName)\n}, { prefix: '/users' })",
  right: "app.get('/users/:id', getUser)\napp.register(async (f) => {\n  f.get('/by-name/:name', getByName)\n}, { prefix: '/users' })",
  defaultSeverity: 'error',
  check(rc) {
    const out: RuleFinding[] = [];
    if (KEY_IDS.size > 4 * rc.graph.apps.reduce((n, a) => n + a.routes.length, 0) + 1024) {
      KEY_IDS.clear();
      keyGeneration++;
    }
    for (const app of rc.graph.apps) {
      // The router options routeKey reads, and the numbering of keys.
      const server = app.serverOptions;
      const options = `${server.ignoreDuplicateSlashes}${server.ignoreTrailingSlash}${server.caseSensitive} ${keyGeneration}`;
      // Conditional routes (an `if` on the environment, a conditional register) are left out: the
      // graph does not say which condition, and two branches may never run together.
      const conditionalCtx = new Set<string>();
      walkContexts(app, (ctx, conditional) => conditional && conditionalCtx.add(ctx.id));
      // The routes declared so far per router key: one route (most keys), or a list.
      // Sized to the key numbers so far: written at scattered numbers from empty, V8 keeps the
      // array as a dictionary (the rule took ~0.6–1 ms more per update at 2,000 files).
      const byKey: (Route | Route[] | undefined)[] = new Array(KEY_IDS.size);
      const add = (key: number, route: Route) => {
        const had = byKey[key];
        byKey[key] = had === undefined ? route : Array.isArray(had) ? (had.push(route), had) : [had, route];
      };
      const key = (r: Route) => (!r.urlKnown || r.conditional || r.constraintsUnknown ? undefined : keyId(routeKey(r, server)));
      KEYS.each(rc, app, options, key, (key, route) => {
        if (conditionalCtx.size > 0 && conditionalCtx.has(route.contextId)) return;
        if (route.implicitHead) {
          // Fastify 5 keeps the HEAD twin of a GET: an explicit HEAD declared after the GET is a
          // duplicate (booted). Fastify 4 gives way to it. The twin itself is never reported:
          // Fastify does not add it where a HEAD already exists.
          if (app.fastifyMajor >= 5) add(key, route);
          return;
        }
        // `all()` takes every method the router supports, so it clashes with any of them.
        const clash = firstClash(byKey[key], route);
        if (clash) {
          const { earlier, method: firstMethod } = clash;
          const method = route.methods.find((m) => m === firstMethod || m === 'ALL' || firstMethod === 'ALL') ?? route.methods[0];
          const where = earlier.package ? `by ${earlier.package} (registered at line ${earlier.span.line})` : `at line ${earlier.span.line}`;
          if (earlier.implicitHead) {
            out.push({
              message: `HEAD ${route.url} clashes with the HEAD route Fastify ${app.fastifyMajor} adds for the GET at line ${earlier.span.line}: Fastify throws FST_ERR_DUPLICATED_ROUTE at boot; declare the HEAD before the GET, or give the GET exposeHeadRoute: false`,
              span: route.span,
              related: [{ message: `GET ${earlier.url} (its HEAD twin)`, span: earlier.span }],
            });
            return;
          }
          out.push({
            message: `${method} ${route.url}${route.package ? ` (from ${route.package})` : ''} is already declared${earlier.url !== route.url ? ` as ${earlier.url}` : ''} ${where}: Fastify throws FST_ERR_DUPLICATED_ROUTE at boot`,
            span: route.span,
            related: [{ message: `${firstMethod} ${earlier.url} first declared here`, span: earlier.span }],
          });
          return;
        }
        add(key, route);
      });
    }
    return out;
  },
};

/**
 * The first method of the first route declared before `route` under its key that `route` clashes
 * with (the same method, or `ALL` on either side), in declaration order, the methods of a route in
 * its own order; an implicit HEAD route's method is HEAD.
 */
function firstClash(earlier: Route | Route[] | undefined, route: Route): { earlier: Route; method: string } | undefined {
  if (earlier === undefined) return undefined;
  if (!Array.isArray(earlier)) return clashWith(earlier, route);
  for (const e of earlier) {
    const clash = clashWith(e, route);
    if (clash) return clash;
  }
  return undefined;
}

function clashWith(e: Route, route: Route): { earlier: Route; method: string } | undefined {
  if (e === route) return undefined;
  const method = e.methods.find((em) => route.methods.some((m) => m === em || m === 'ALL' || em === 'ALL'));
  return method === undefined ? undefined : { earlier: e, method };
}
