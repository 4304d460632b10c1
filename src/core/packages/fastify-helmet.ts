import { dec, hooks, type PackageModel } from './types';

/** @fastify/helmet (index.js): fastify-plugin; `reply.helmet`, `reply.cspNonce`, an onRoute and two onRequest hooks whatever the options. */
export const fastifyHelmet: PackageModel = {
  names: ['@fastify/helmet', 'fastify-helmet'],
  wrapped: true,
  adds: { decorators: dec('reply', 'helmet', 'cspNonce'), hooks: hooks('onRoute', 'onRequest', 'onRequest') },
};
