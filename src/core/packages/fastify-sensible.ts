import { dec, isUnknown, type PackageModel } from './types';

/** http-errors' error constructors as @fastify/sensible 6 decorates the reply with them (in this order). */
const HTTP_ERRORS = [
  'badRequest', 'unauthorized', 'paymentRequired', 'forbidden', 'notFound', 'methodNotAllowed', 'notAcceptable',
  'proxyAuthenticationRequired', 'requestTimeout', 'conflict', 'gone', 'lengthRequired', 'preconditionFailed',
  'payloadTooLarge', 'uriTooLong', 'unsupportedMediaType', 'rangeNotSatisfiable', 'expectationFailed', 'imateapot',
  'misdirectedRequest', 'unprocessableEntity', 'locked', 'failedDependency', 'tooEarly', 'upgradeRequired',
  'preconditionRequired', 'tooManyRequests', 'requestHeaderFieldsTooLarge', 'unavailableForLegalReasons',
  'internalServerError', 'notImplemented', 'badGateway', 'serviceUnavailable', 'gatewayTimeout',
  'httpVersionNotSupported', 'variantAlsoNegotiates', 'insufficientStorage', 'loopDetected', 'bandwidthLimitExceeded',
  'notExtended', 'networkAuthenticationRequired', 'getHttpError', 'createError',
];

/** @fastify/sensible (index.js): fastify-plugin; `sharedSchemaId` adds a shared schema. */
export const fastifySensible: PackageModel = {
  names: ['@fastify/sensible'],
  wrapped: true,
  adds: (o) => {
    const id = o.get('sharedSchemaId');
    return {
      decorators: [
        ...dec('instance', 'httpErrors', 'assert', 'to'),
        ...dec('request', 'forwarded', 'is'),
        ...dec('reply', 'vary', 'cacheControl', 'preventCache', 'revalidate', 'staticCache', 'stale', 'maxAge', ...HTTP_ERRORS),
      ],
      schemas: typeof id === 'string' && id ? [id] : [],
      notes: isUnknown(id) ? ['the shared schema id (option sharedSchemaId) is not known statically'] : [],
    };
  },
};

/**
 * fastify-sensible 3 (Fastify 3; 3.2.0 re-exports 3.1.2): http-errors 1.x constructors
 * (unorderedCollection, no tooEarly), no cache-control reply decorators, no sharedSchemaId.
 */
const HTTP_ERRORS_3 = HTTP_ERRORS.map((n) => (n === 'tooEarly' ? 'unorderedCollection' : n));

export const fastifySensible3: PackageModel = {
  names: ['fastify-sensible'],
  wrapped: true,
  adds: () => ({
    decorators: [
      ...dec('instance', 'httpErrors', 'assert', 'to'),
      ...dec('request', 'forwarded', 'is'),
      ...dec('reply', 'vary', ...HTTP_ERRORS_3),
    ],
  }),
};
