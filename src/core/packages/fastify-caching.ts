import { dec, hooks, when, type PackageModel } from './types';

/** @fastify/caching (index.js): fastify-plugin; `cache`, `cacheSegment`, `etagMaxLife`, `reply.etag`/`expires`, onRequest/onSend; with `privacy` another onSend first. */
export const fastifyCaching: PackageModel = {
  names: ['@fastify/caching', 'fastify-caching'],
  wrapped: true,
  adds: (o) => {
    const privacy = o.get('privacy');
    const p = privacy === undefined || privacy === null || privacy === '' ? false : typeof privacy === 'string' ? true : { unknown: 'option privacy' };
    return {
      decorators: [...dec('instance', 'cache', 'cacheSegment', 'etagMaxLife'), ...dec('reply', 'etag', 'expires')],
      hooks: [...when(p, hooks('onSend')), ...hooks('onRequest', 'onSend')],
    };
  },
};
