import { dec, hooks, optString, type PackageModel } from './types';

/**
 * @fastify/view (index.js): fastify-plugin; `propertyName` (default 'view') on the instance and the
 * reply, `asyncPropertyName` (default `${propertyName}Async`) on the reply, `reply.locals` with an
 * onRequest hook, and an internal symbol decorator for the cache.
 */
export const fastifyView: PackageModel = {
  names: ['@fastify/view'],
  wrapped: true,
  adds: (o) => {
    const name = optString(o, 'propertyName', 'view');
    const asyncName = typeof name === 'string' ? optString(o, 'asyncPropertyName', `${name}Async`) : name;
    return {
      decorators: [{ target: 'instance', name }, { target: 'reply', name }, { target: 'reply', name: asyncName }, ...dec('reply', 'locals')],
      hooks: hooks('onRequest'),
    };
  },
};

/** point-of-view 5 (Fastify 3; 5.3.0): `propertyName` (default 'view') on the instance and the reply only; no hook. */
export const pointOfView5: PackageModel = {
  names: ['point-of-view'],
  wrapped: true,
  adds: (o) => {
    const name = optString(o, 'propertyName', 'view');
    return { decorators: [{ target: 'instance', name }, { target: 'reply', name }] };
  },
};
