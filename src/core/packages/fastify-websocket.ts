import { dec, hooks, type PackageModel } from './types';

/** @fastify/websocket (index.js): fastify-plugin; `request.ws`, `websocketServer`, `injectWS`, and its hooks. */
export const fastifyWebsocket: PackageModel = {
  names: ['@fastify/websocket'],
  wrapped: true,
  adds: {
    decorators: [...dec('request', 'ws'), ...dec('instance', 'websocketServer', 'injectWS')],
    hooks: hooks('onRequest', 'onResponse', 'onRoute', 'preClose'),
  },
};

/** fastify-websocket 4 (Fastify 3; 4.3.0 re-exports 4.2.2): no `injectWS`; onError and onClose hooks instead of onResponse and preClose. */
export const fastifyWebsocket4: PackageModel = {
  names: ['fastify-websocket'],
  wrapped: true,
  adds: {
    decorators: [...dec('request', 'ws'), ...dec('instance', 'websocketServer')],
    hooks: hooks('onRequest', 'onError', 'onRoute', 'onClose'),
  },
};
