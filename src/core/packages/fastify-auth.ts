import { dec, type PackageModel } from './types';

/** @fastify/auth (auth.js): fastify-plugin; `auth` only. */
export const fastifyAuth: PackageModel = {
  names: ['@fastify/auth', 'fastify-auth'],
  wrapped: true,
  adds: { decorators: dec('instance', 'auth') },
};
