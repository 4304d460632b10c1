import { dec, hooks, optString, type PackageModel } from './types';

/**
 * @fastify/view (index.js): fastify-plugin; `propertyName` (default 'view') on the instance and the
 * reply, `asyncPropertyName` (default `${propertyName}Async`) on the reply, `reply.locals` with an
 * onRequest hook, and an internal symbol decorator for the cache.
 */
export const fastifyView: PackageModel = {
  names: ['@fastify/view', 'point-of-view'],
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
