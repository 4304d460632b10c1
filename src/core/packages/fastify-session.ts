import { dec, hooks, type PackageModel } from './types';

/** @fastify/session (index.js): fastify-plugin, depends on @fastify/cookie (registered by the app). */
export const fastifySession: PackageModel = {
  names: ['@fastify/session'],
  wrapped: true,
  adds: {
    decorators: [...dec('instance', 'decryptSession'), ...dec('request', 'sessionStore', 'session')],
    hooks: hooks('onRequest', 'onSend'),
  },
};

/**
 * fastify-session 5 (SerayaEryn/fastify-session, the package @fastify/session forked; 5.2.1,
 * lib/fastifySession.js): fastify-plugin depending on fastify-cookie; `request.destroySession`
 * too, and the session is loaded in a preValidation hook, not onRequest.
 */
export const fastifySession5: PackageModel = {
  names: ['fastify-session'],
  wrapped: true,
  adds: {
    decorators: [...dec('instance', 'decryptSession'), ...dec('request', 'sessionStore', 'session', 'destroySession')],
    hooks: hooks('preValidation', 'onSend'),
  },
};
