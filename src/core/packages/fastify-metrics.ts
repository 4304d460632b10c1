import { hooks, isObject, optString, type PackageModel, type PkgRoute } from './types';

/**
 * fastify-metrics 12 (dist/index.js, dist/fastify-metrics.js): fastify-plugin; the decorator
 * `name` (default 'metrics'); `GET <endpoint>` (default '/metrics', none when null; no HEAD route)
 * and onRoute/onRequest/onResponse hooks for the route metrics.
 */
export const fastifyMetrics: PackageModel = {
  names: ['fastify-metrics'],
  wrapped: true,
  adds: (o) => {
    const e = o.get('endpoint');
    const routes: PkgRoute[] = [];
    if (e === undefined || typeof e === 'string') routes.push({ methods: ['GET'], path: e ?? '/metrics', exposeHeadRoute: false });
    else if (isObject(e)) {
      const url = e.get('url');
      routes.push({ methods: ['GET'], path: typeof url === 'string' ? url : [{ unknown: 'endpoint.url' }] });
    } else if (e !== null) routes.push({ methods: ['GET'], path: [{ unknown: 'option endpoint' }], conditional: true });
    return { decorators: [{ target: 'instance', name: optString(o, 'name', 'metrics') }], hooks: hooks('onRoute', 'onRequest', 'onResponse'), routes };
  },
};
