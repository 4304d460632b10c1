import { dec, isUnknown, type PackageModel, type PkgHook } from './types';

/** @fastify/redis (index.js): fastify-plugin; `redis` (namespaces under it); an onClose hook unless a `client` is given without `closeClient: true`. */
export const fastifyRedis: PackageModel = {
  names: ['@fastify/redis', 'fastify-redis'],
  wrapped: true,
  adds: (o) => {
    const client = o.get('client');
    const closeClient = o.get('closeClient');
    let close: PkgHook[];
    if (client === undefined || client === null) close = [{ name: 'onClose' }];
    else if (isUnknown(client) || isUnknown(closeClient)) close = [{ name: 'onClose', conditional: true }];
    else close = closeClient === true ? [{ name: 'onClose' }] : [];
    return { decorators: dec('instance', 'redis'), hooks: close };
  },
};
