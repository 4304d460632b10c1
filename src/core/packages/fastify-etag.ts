import { hooks, type PackageModel } from './types';

/** @fastify/etag (index.js): fastify-plugin; an onSend hook only. */
export const fastifyEtag: PackageModel = {
  names: ['@fastify/etag', 'fastify-etag'],
  wrapped: true,
  adds: { hooks: hooks('onSend') },
};
