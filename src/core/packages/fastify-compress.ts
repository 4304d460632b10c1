import { dec, hooks, type PackageModel } from './types';

/** @fastify/compress (index.js): fastify-plugin; `reply.compress` and an onRoute hook (compression is set on each route). */
export const fastifyCompress: PackageModel = {
  names: ['@fastify/compress', 'fastify-compress'],
  wrapped: true,
  adds: { decorators: dec('reply', 'compress'), hooks: hooks('onRoute') },
};
