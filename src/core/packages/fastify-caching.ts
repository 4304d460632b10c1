import { dec, hooks, isUnknown, when, type PackageModel } from './types';

/** @fastify/caching (index.js): fastify-plugin; `cache`, `cacheSegment`, `etagMaxLife`, `reply.etag`/`expires`, onRequest/onSend; with `privacy` another onSend first. */
export const fastifyCaching: PackageModel = {
  names: ['@fastify/caching'],
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

/** fastify-caching 6 (Fastify 3; 6.3.0 re-exports 6.2.0, plugin.js): a truthy `privacy` adds an onRequest hook first (not an onSend). */
export const fastifyCaching6: PackageModel = {
  names: ['fastify-caching'],
  wrapped: true,
  adds: (o) => {
    const privacy = o.get('privacy');
    return {
      decorators: [...dec('instance', 'cache', 'cacheSegment', 'etagMaxLife'), ...dec('reply', 'etag', 'expires')],
      hooks: [...when(isUnknown(privacy) ? { unknown: 'option privacy' } : !!privacy, hooks('onRequest')), ...hooks('onRequest', 'onSend')],
    };
  },
};
