import { dec, hooks, type PackageModel } from './types';

/** @fastify/postgres (index.js): fastify-plugin; `pg` (one per app, named pools under it), `request.pg`, onClose and onRoute hooks. The pool connects lazily. */
export const fastifyPostgres: PackageModel = {
  names: ['@fastify/postgres', 'fastify-postgres'],
  wrapped: true,
  adds: { decorators: [...dec('instance', 'pg'), ...dec('request', 'pg')], hooks: hooks('onClose', 'onRoute') },
};
