import { fastifyCookie } from './fastify-cookie';
import { dec, hooks, isObject, optString, type OptObject, type PackageModel, type PkgDecorator, type PkgScope } from './types';

/**
 * @fastify/secure-session (index.js): fastify-plugin. One request decorator per session
 * (`sessionName`, default 'session'; the options may be an array of sessions), then
 * @fastify/cookie (with a secret) unless already registered, and its onRequest/onSend hooks.
 */
export const fastifySecureSession: PackageModel = {
  names: ['@fastify/secure-session', 'fastify-secure-session'],
  wrapped: true,
  adds: (o) => {
    const raw = o.get('0') !== undefined ? listOf(o) : [o];
    const sessions: PkgDecorator[] = raw.map((s) => ({ target: 'request', name: optString(s, 'sessionName', 'session') }));
    // The cookie plugin it registers itself (when the app has not): with a secret, so the signing decorators too.
    const cookie = (fastifyCookie.adds as (o: OptObject) => PkgScope)({ kind: 'object', get: (k) => (k === 'secret' ? 'x' : undefined) });
    return {
      decorators: [...sessions, ...dec('instance', 'decodeSecureSession', 'createSecureSession', 'encodeSecureSession'), ...(cookie.decorators ?? [])],
      hooks: [...(cookie.hooks ?? []), ...hooks('onRequest', 'onSend')],
    };
  },
};

function listOf(o: OptObject): OptObject[] {
  const out: OptObject[] = [];
  for (let i = 0; ; i++) {
    const v = o.get(String(i));
    if (!isObject(v)) return out;
    out.push(v);
  }
}
