import { dec, when, type PackageModel } from './types';

const METHODS = ['charset', 'charsets', 'encoding', 'encodings', 'language', 'languages', 'type', 'types'];

/** @fastify/accepts (index.js): fastify-plugin; `request.accepts` and its methods; with `decorateReply: true` `reply.requestAccepts` and `reply.request<Method>`. */
export const fastifyAccepts: PackageModel = {
  names: ['@fastify/accepts', 'fastify-accepts'],
  wrapped: true,
  adds: (o) => {
    const r = o.get('decorateReply');
    const onReply = r === true ? true : typeof r === 'object' && r !== null && 'unknown' in r ? r : false;
    return {
      decorators: [
        ...dec('request', 'accepts', ...METHODS),
        ...when(onReply, dec('reply', 'requestAccepts', ...METHODS.map((m) => `request${m[0].toUpperCase()}${m.slice(1)}`))),
      ],
    };
  },
};
