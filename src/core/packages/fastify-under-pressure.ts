import { dec, hooks, isObject, isUnknown, type PackageModel, type PkgRoute } from './types';

/**
 * @fastify/under-pressure (index.js): fastify-plugin; `memoryUsage`, `isUnderPressure`, onClose;
 * with `exposeStatusRoute` (true, a URL string, or an object with `url`, default '/status') a GET
 * route; an onRequest hook when a limit or health check is set (not modelled: noted).
 */
export const fastifyUnderPressure: PackageModel = underPressure(['@fastify/under-pressure'], ['memoryUsage', 'isUnderPressure']);

/** under-pressure 5 (Fastify 3; 5.8.1): the same without `isUnderPressure`. */
export const fastifyUnderPressure5: PackageModel = underPressure(['under-pressure'], ['memoryUsage']);

function underPressure(names: string[], decorators: string[]): PackageModel {
  return {
    names,
    wrapped: true,
    adds: (o) => {
      const expose = o.get('exposeStatusRoute');
      const routes: PkgRoute[] = [];
      if (typeof expose === 'string' && expose) routes.push({ methods: ['GET'], path: expose });
      else if (expose === true) routes.push({ methods: ['GET'], path: '/status' });
      else if (isObject(expose)) {
        const url = expose.get('url');
        routes.push({ methods: ['GET'], path: url === undefined ? '/status' : typeof url === 'string' ? url : [{ unknown: 'exposeStatusRoute.url' }] });
      } else if (isUnknown(expose)) routes.push({ methods: ['GET'], path: [{ unknown: 'option exposeStatusRoute' }], conditional: true });
      const limits = ['maxEventLoopDelay', 'maxHeapUsedBytes', 'maxRssBytes', 'maxEventLoopUtilization', 'healthCheck'].some((k) => o.get(k) !== undefined);
      return {
        decorators: dec('instance', ...decorators),
        hooks: [...hooks('onClose'), ...(limits ? [{ name: 'onRequest', conditional: true }] : [])],
        routes,
      };
    },
  };
}
