import { dec, hooks, type PackageModel, type PkgHook } from './types';

/**
 * @fastify/multipart 9 (index.js): fastify-plugin; a `multipart/form-data` parser, request
 * decorators, `multipartErrors`; with `attachFieldsToBody` (true or 'keyValues') a preValidation
 * hook (and `sharedSchemaId` a schema when true).
 */
export const fastifyMultipart: PackageModel = {
  names: ['@fastify/multipart', 'fastify-multipart'],
  wrapped: true,
  adds: (o) => {
    const attach = o.get('attachFieldsToBody');
    const id = o.get('sharedSchemaId');
    const pre: PkgHook[] = attach === true || attach === 'keyValues' ? hooks('preValidation') : attach === undefined || attach === false ? [] : [{ name: 'preValidation', conditional: true }];
    return {
      decorators: [
        ...dec('request', 'formData'),
        ...dec('instance', 'multipartErrors'),
        ...dec('request', 'parts', 'isMultipart', 'tmpUploads', 'savedRequestFiles', 'file', 'files', 'saveRequestFiles', 'cleanRequestFiles'),
      ],
      hooks: [...pre, ...hooks('onResponse', 'onRequest')],
      contentTypeParsers: ['multipart/form-data'],
      schemas: attach === true && typeof id === 'string' ? [id] : [],
    };
  },
};
