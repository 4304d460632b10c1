import { dec, hooks, type PackageModel } from './types';

/** @fastify/websocket (index.js): fastify-plugin; `request.ws`, `websocketServer`, `injectWS`, and its hooks. */
export const fastifyWebsocket: PackageModel = {
  names: ['@fastify/websocket', 'fastify-websocket'],
  wrapped: true,
  adds: {
    decorators: [...dec('request', 'ws'), ...dec('instance', 'websocketServer', 'injectWS')],
    hooks: hooks('onRequest', 'onResponse', 'onRoute', 'preClose'),
  },
};
