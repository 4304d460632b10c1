import { dec, optString, type PackageModel } from './types';

/** @fastify/env (index.js): fastify-plugin; the config under `confKey` (default 'config'), `getEnvs` on the instance and the request. */
export const fastifyEnv: PackageModel = {
  names: ['@fastify/env'],
  wrapped: true,
  adds: (o) => ({
    decorators: [{ target: 'instance', name: optString(o, 'confKey', 'config') }, ...dec('instance', 'getEnvs'), ...dec('request', 'getEnvs')],
  }),
};

/** fastify-env 2 (Fastify 3; 2.2.0 re-exports 2.1.1): only the config under `confKey`, no `getEnvs`. */
export const fastifyEnv2: PackageModel = {
  names: ['fastify-env'],
  wrapped: true,
  adds: (o) => ({ decorators: [{ target: 'instance', name: optString(o, 'confKey', 'config') }] }),
};
