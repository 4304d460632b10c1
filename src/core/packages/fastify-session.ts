import { dec, hooks, type PackageModel } from './types';

/** @fastify/session (index.js): fastify-plugin, depends on @fastify/cookie (registered by the app). */
export const fastifySession: PackageModel = {
  names: ['@fastify/session', 'fastify-session'],
  wrapped: true,
  adds: {
    decorators: [...dec('instance', 'decryptSession'), ...dec('request', 'sessionStore', 'session')],
    hooks: hooks('onRequest', 'onSend'),
  },
};
