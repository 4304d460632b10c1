import { dec, isUnknown, type PackageModel } from './types';

/**
 * @fastify/cors (index.js): fastify-plugin. The `OPTIONS *` route is added whatever the options
 * (`preflight: false` only stops answering preflights in the hook);
 * the CORS hook is `hook` (default 'onRequest').
 */
export const fastifyCors: PackageModel = {
  names: ['@fastify/cors'],
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

/** fastify-cors 6 (Fastify 3; 6.1.0 re-exports 6.0.3): the same, but the hook is always onRequest (no `hook` option). */
export const fastifyCors6: PackageModel = {
  names: ['fastify-cors'],
  wrapped: true,
  adds: () => ({
    decorators: dec('request', 'corsPreflightEnabled'),
    hooks: [{ name: 'onRequest' }],
    routes: [{ methods: ['OPTIONS'], path: '*' }],
  }),
};
