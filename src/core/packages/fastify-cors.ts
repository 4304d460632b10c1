import { dec, isUnknown, type PackageModel } from './types';

/**
 * @fastify/cors (index.js): fastify-plugin. The `OPTIONS *` route is added whatever the options
 * (`preflight: false` only stops answering preflights in the hook; the same in fastify-cors 6);
 * the CORS hook is `hook` (default 'onRequest').
 */
export const fastifyCors: PackageModel = {
  names: ['@fastify/cors', 'fastify-cors'],
  wrapped: true,
  adds: (o) => {
    const hook = o.get('hook');
    return {
      decorators: dec('request', 'corsPreflightEnabled'),
      hooks: [{ name: typeof hook === 'string' ? hook : 'onRequest', conditional: isUnknown(hook) || undefined }],
      routes: [{ methods: ['OPTIONS'], path: '*' }],
    };
  },
};
