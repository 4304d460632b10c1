import { dec, hooks, isUnknown, type PackageModel, type PkgHook } from './types';

/**
 * @fastify/multipart 9 (index.js): fastify-plugin; a `multipart/form-data` parser, request
 * decorators, `multipartErrors`; with `attachFieldsToBody` (true or 'keyValues') a preValidation
 * hook (and `sharedSchemaId` a schema when true).
 */
export const fastifyMultipart: PackageModel = {
  names: ['@fastify/multipart'],
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

/**
 * fastify-multipart 5 (Fastify 3; 5.4.0 re-exports 5.3.1, index.js): the legacy `request.multipart`
 * and no `formData`/`savedRequestFiles`; the parser is for `multipart`; `addToBody: true` and
 * `attachFieldsToBody: true` each add a preValidation hook (and `sharedSchemaId` a schema).
 */
export const fastifyMultipart5: PackageModel = {
  names: ['fastify-multipart'],
  wrapped: true,
  adds: (o) => {
    const id = o.get('sharedSchemaId');
    const pre: PkgHook[] = [];
    const schemas: string[] = [];
    for (const key of ['addToBody', 'attachFieldsToBody']) {
      const v = o.get(key);
      if (v === true) {
        pre.push({ name: 'preValidation' });
        if (typeof id === 'string') schemas.push(id);
      } else if (isUnknown(v)) pre.push({ name: 'preValidation', conditional: true });
    }
    return {
      decorators: [
        ...dec('instance', 'multipartErrors'),
        ...dec('request', 'parts', 'isMultipart', 'tmpUploads', 'multipart', 'file', 'files', 'saveRequestFiles', 'cleanRequestFiles'),
      ],
      hooks: [...pre, ...hooks('onResponse')],
      contentTypeParsers: ['multipart'],
      schemas,
    };
  },
};
