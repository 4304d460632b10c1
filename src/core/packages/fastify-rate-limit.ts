import { dec, hooks, type PackageModel } from './types';

/** @fastify/rate-limit (index.js): fastify-plugin; `createRateLimit`, `rateLimit`, an onRoute hook (per-route hooks are added to routes, not the context). */
export const fastifyRateLimit: PackageModel = {
  names: ['@fastify/rate-limit', 'fastify-rate-limit'],
  wrapped: true,
  adds: { decorators: dec('instance', 'createRateLimit', 'rateLimit'), hooks: hooks('onRoute') },
};
