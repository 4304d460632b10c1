import { dec, isUnknown, type PackageModel, type PkgHook } from './types';

/** @fastify/mongodb (index.js): fastify-plugin; `mongo`; an onClose hook when it makes the client itself (no `client` option). */
export const fastifyMongodb: PackageModel = {
  names: ['@fastify/mongodb', 'fastify-mongodb'],
  wrapped: true,
  adds: (o) => {
    const client = o.get('client');
    const close: PkgHook[] = client === undefined || client === null ? [{ name: 'onClose' }] : isUnknown(client) ? [{ name: 'onClose', conditional: true }] : [];
    return { hooks: close, decorators: dec('instance', 'mongo') };
  },
};
