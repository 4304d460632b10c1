import type { PackageModel } from './types';

/** @fastify/formbody (formbody.js): fastify-plugin; only an `application/x-www-form-urlencoded` parser. */
export const fastifyFormbody: PackageModel = {
  names: ['@fastify/formbody', 'fastify-formbody'],
  wrapped: true,
  adds: { contentTypeParsers: ['application/x-www-form-urlencoded'] },
};
