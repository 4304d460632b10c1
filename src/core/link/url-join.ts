import type { ServerOptions } from '../model';
import { behaviourAt, type VersionLike } from './version-rules';

/**
 * Prefix and URL joining exactly as Fastify does it (lib/plugin-override.js buildRoutePrefix,
 * lib/route.js route/addNewRoute), see fastify-semantics.md §1.5.
 */
export function joinPrefix(parent: string, pluginPrefix: string | undefined, major: VersionLike): string {
  if (!pluginPrefix) return parent;
  let p = pluginPrefix;
  if (parent.endsWith('/') && p[0] === '/') p = p.slice(1);
  else if (p[0] !== '/' && (!behaviourAt('fastify.prefix-join-no-extra-slash', major) || !parent.endsWith('/'))) p = '/' + p;
  return parent + p;
}

/**
 * A prefix partly unknown (`{?}` for the parts only known at run time). An unknown start may be
 * '' or '/v1' at run time, so no '/' is added before it: `{?}/items`, never `/{?}/items`.
 */
export function joinUnknownPrefix(parent: string, text: string, major: VersionLike): string {
  return text.startsWith('{?}') ? parent + text : joinPrefix(parent, text, major);
}

export type TrailingSlashMode = 'both' | 'slash' | 'no-slash';

export interface RegisteredUrl {
  method: string;
  url: string;
  /** Fastify runs onRoute for it (false for the trailing-slash twin of 'both'). */
  onRoute: boolean;
  /** The HEAD route Fastify adds for a GET. */
  implicitHead: boolean;
}

export interface RouteShape {
  methods: string[];
  path: string;
  prefixTrailingSlash?: TrailingSlashMode;
  exposeHeadRoute?: boolean;
}

/**
 * Every (method, url) pair the router gets for one declaration, in Fastify's order, including
 * the HEAD twin of a GET. `hasRoute` reports earlier registrations (an explicit HEAD declared
 * before the GET suppresses the implicit one).
 */
export function expandRoute(
  prefix: string,
  route: RouteShape,
  server: ServerOptions,
  hasRoute: (method: string, url: string) => boolean,
): RegisteredUrl[] {
  const out: RegisteredUrl[] = [];
  const exposeHead = route.exposeHeadRoute ?? server.exposeHeadRoutes;
  const isGet = route.methods.includes('GET');
  const isHead = route.methods.includes('HEAD');
  const single = route.methods.length === 1 ? route.methods[0] : undefined;

  const add = (methods: string[], path: string, prefixing: boolean, implicitHead: boolean, headAllowed: boolean) => {
    const url = prefix + path;
    for (const method of methods) out.push({ method, url, onRoute: !prefixing, implicitHead });
    if (headAllowed && exposeHead && isGet && !isHead && !hasRoute('HEAD', url) && !out.some((o) => o.method === 'HEAD' && o.url === url)) {
      expandHead(path);
    }
  };
  const expandHead = (path: string) => {
    // The HEAD twin goes through route() again with the same path; as a HEAD it skips the '/' case.
    if (path[0] === '/' && prefix.endsWith('/')) add(['HEAD'], path.slice(1), false, true, false);
    else add(['HEAD'], path, false, true, false);
  };

  const path = route.path;
  if (path === '/' && prefix.length > 0 && single !== 'HEAD') {
    switch (route.prefixTrailingSlash ?? 'both') {
      case 'slash':
        add(route.methods, path, false, false, true);
        break;
      case 'no-slash':
        add(route.methods, '', false, false, true);
        break;
      default:
        add(route.methods, '', false, false, true);
        if (server.ignoreTrailingSlash !== true && (server.ignoreDuplicateSlashes !== true || !prefix.endsWith('/'))) {
          add(route.methods, path, true, false, true);
        }
    }
  } else if (path[0] === '/' && prefix.endsWith('/')) {
    add(route.methods, path.slice(1), false, false, true);
  } else {
    add(route.methods, path, false, false, true);
  }
  return out;
}

/** Methods `all()` registers (the instance's supported methods) at a Fastify version or major. */
export function allMethods(major: VersionLike): string[] {
  if (behaviourAt('fastify.all-v5-methods', major)) {
    const v5 = ['GET', 'HEAD', 'TRACE', 'DELETE', 'OPTIONS', 'PATCH', 'PUT', 'POST'];
    return behaviourAt('fastify.all-query-method', major) ? [...v5, 'QUERY'] : v5;
  }
  const out = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'];
  if (behaviourAt('fastify.all-webdav-methods', major)) out.push('PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'TRACE', 'SEARCH');
  if (behaviourAt('fastify.all-report-mkcalendar', major)) out.push('REPORT', 'MKCALENDAR');
  return out;
}

/** The paths an optional last parameter (`/a/:id?`) adds to the router besides the full one. */
export function optionalParamBase(url: string): string | undefined {
  const m = /^(.*?)\/:[^/]*\?$/.exec(url);
  if (!m) return undefined;
  return m[1] === '' ? '/' : m[1];
}
