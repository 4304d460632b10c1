import { dec, hooks, type PackageModel } from './types';

/** @fastify/rate-limit (index.js): fastify-plugin; `createRateLimit`, `rateLimit`, an onRoute hook (per-route hooks are added to routes, not the context). */
export const fastifyRateLimit: PackageModel = {
  names: ['@fastify/rate-limit'],
  wrapped: true,
  adds: { decorators: dec('instance', 'createRateLimit', 'rateLimit'), hooks: hooks('onRoute') },
};

/** fastify-rate-limit 5 (Fastify 3; 5.9.0 re-exports 5.8.0): no `createRateLimit`. */
export const fastifyRateLimit5: PackageModel = {
  names: ['fastify-rate-limit'],
  wrapped: true,
  adds: { decorators: dec('instance', 'rateLimit'), hooks: hooks('onRoute') },
};
