import { dec, hooks, type PackageModel } from './types';

/** @fastify/mysql (index.js): fastify-plugin; `mysql` (named connections under it) and an onClose hook. Queries `SELECT NOW()` at register. */
export const fastifyMysql: PackageModel = {
  names: ['@fastify/mysql', 'fastify-mysql'],
  wrapped: true,
  adds: { hooks: hooks('onClose'), decorators: dec('instance', 'mysql') },
};
