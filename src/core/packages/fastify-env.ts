import { dec, optString, type PackageModel } from './types';

/** @fastify/env (index.js): fastify-plugin; the config under `confKey` (default 'config'), `getEnvs` on the instance and the request. */
export const fastifyEnv: PackageModel = {
  names: ['@fastify/env', 'fastify-env'],
  wrapped: true,
  adds: (o) => ({
    decorators: [{ target: 'instance', name: optString(o, 'confKey', 'config') }, ...dec('instance', 'getEnvs'), ...dec('request', 'getEnvs')],
  }),
};
