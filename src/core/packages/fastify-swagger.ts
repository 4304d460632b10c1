import { dec, hooks, isObject, isUnknown, optString, type PackageModel, type PkgChild } from './types';

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

/**
 * @fastify/swagger 5–7 (Fastify 4 era; read from 7.6.1: index.js, lib/mode/dynamic.js, static.js,
 * lib/routes.js): fastify-plugin; `swagger` and `swaggerCSP` on the instance; in dynamic mode
 * onRoute/onRegister/onReady hooks. With `exposeRoute: true` an encapsulated routes plugin under
 * `routePrefix` (default '/documentation'): '/', '/uiConfig', '/initOAuth', '/json', '/yaml',
 * '/*', an onSend hook with `staticCSP` or `transformStaticCSP`, the onReady hook dynamic mode's
 * onRegister adds to it, then two @fastify/static: '/static/*' (decorateReply false) and one with
 * `serve: false` (reply.sendFile, reply.download).
 */
export const fastifySwagger7: PackageModel = {
  names: ['@fastify/swagger'],
  versions: '<8',
  wrapped: true,
  adds: (o) => {
    const dynamic = o.get('mode') !== 'static';
    const modeKnown = typeof o.get('mode') === 'string' || o.get('mode') === undefined;
    const maybe = <T extends { conditional?: boolean }>(items: T[]): T[] => (modeKnown ? items : items.map((i) => ({ ...i, conditional: true })));
    const csp = o.get('staticCSP');
    const transform = o.get('transformStaticCSP');
    const cspHook = csp === true || typeof csp === 'string' || isObject(csp) || (isFunction(transform));
    const cspUnknown = !cspHook && (isUnknown(csp) || isUnknown(transform));
    const docs: PkgChild = {
      name: '@fastify/swagger routes',
      prefix: optString(o, 'routePrefix', '/documentation'),
      hooks: [...(cspHook ? hooks('onSend') : cspUnknown ? [{ name: 'onSend', conditional: true }] : []), ...(dynamic ? maybe(hooks('onReady')) : [])],
      routes: ['/', '/uiConfig', '/initOAuth', '/json', '/yaml', '/*'].map((path) => ({ methods: ['GET'], path })),
      children: [
        { name: '@fastify/static', wrapped: true, routes: [{ methods: ['HEAD', 'GET'], path: '/static/*' }] },
        { name: '@fastify/static', wrapped: true, decorators: dec('reply', 'sendFile', 'download') },
      ],
    };
    const expose = o.get('exposeRoute');
    return {
      decorators: dec('instance', 'swagger', 'swaggerCSP'),
      hooks: dynamic ? maybe(hooks('onRoute', 'onRegister', 'onReady')) : [],
      children: expose === true ? [docs] : isUnknown(expose) ? [{ ...docs, conditional: true }] : [],
    };
  },
};

function isFunction(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'function';
}
