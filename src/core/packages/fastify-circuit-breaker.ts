import { dec, hooks, type PackageModel } from './types';

/** @fastify/circuit-breaker (index.js): fastify-plugin; `circuitBreaker`, three request fields, an onSend hook. */
export const fastifyCircuitBreaker: PackageModel = {
  names: ['@fastify/circuit-breaker', 'fastify-circuit-breaker'],
  wrapped: true,
  adds: { decorators: [...dec('request', '_cbTime', '_cbIsOpen', '_cbRouteId'), ...dec('instance', 'circuitBreaker')], hooks: hooks('onSend') },
};
