import { dec, hooks, optString, type PackageModel, type PkgChild } from './types';

/**
 * @fastify/swagger 9 (lib/mode/dynamic.js, static.js, util/add-hook.js): fastify-plugin; the
 * `decorator` option names the instance decorator (default 'swagger'); onRoute/onRegister/onReady
 * hooks in dynamic mode (`mode` other than 'static'). No routes: the UI is @fastify/swagger-ui.
 */
export const fastifySwagger: PackageModel = {
  names: ['@fastify/swagger'],
  wrapped: true,
  adds: (o) => {
    const mode = o.get('mode');
    return {
      decorators: [{ target: 'instance', name: optString(o, 'decorator', 'swagger') }],
      hooks: mode === 'static' ? [] : hooks('onRoute', 'onRegister', 'onReady').map((h) => (typeof mode === 'string' || mode === undefined ? h : { ...h, conditional: true })),
    };
  },
};

/**
 * fastify-swagger 4 (Fastify 3): `swaggerCSP` and `swagger` decorators, and with `exposeRoute: true`
 * the documentation routes under `routePrefix` (default '/documentation') from lib/routes.js,
 * its fastify-static assets under `/static/`.
 */
export const fastifySwagger4: PackageModel = {
  names: ['fastify-swagger'],
  wrapped: true,
  adds: (o) => {
    const expose = o.get('exposeRoute');
    const docs: PkgChild = {
      name: 'fastify-swagger routes',
      prefix: optString(o, 'routePrefix', '/documentation'),
      routes: [
        { methods: ['GET'], path: '/' },
        { methods: ['GET'], path: '/uiConfig' },
        { methods: ['GET'], path: '/initOAuth' },
        { methods: ['GET'], path: '/json' },
        { methods: ['GET'], path: '/yaml' },
        { methods: ['GET'], path: '/*' },
      ],
      children: [{ name: 'fastify-static', wrapped: true, routes: [{ methods: ['HEAD'], path: '/static/*' }, { methods: ['GET'], path: '/static/*' }] }],
    };
    return {
      decorators: dec('instance', 'swaggerCSP', 'swagger'),
      hooks: mode(o.get('mode')),
      children: expose === true ? [docs] : expose === undefined || expose === false ? [] : [{ ...docs, conditional: true }],
    };
  },
};

function mode(m: unknown) {
  return m === 'static' ? [] : hooks('onRoute', 'onRegister');
}
