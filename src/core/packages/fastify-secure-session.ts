import { fastifyCookie, fastifyCookie5 } from './fastify-cookie';
import { dec, hooks, isObject, optString, type OptObject, type PackageModel, type PkgDecorator, type PkgScope } from './types';

/**
 * @fastify/secure-session (index.js): fastify-plugin. One request decorator per session
 * (`sessionName`, default 'session'; the options may be an array of sessions), then
 * @fastify/cookie (with a secret) unless already registered, and its onRequest/onSend hooks.
 */
export const fastifySecureSession: PackageModel = {
  names: ['@fastify/secure-session'],
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

/**
 * fastify-secure-session 3 (Fastify 3; 3.2.0 re-exports 3.1.0): one session, always
 * `request.session` (no `sessionName`, no array of sessions), and it registers fastify-cookie 5
 * every time.
 */
export const fastifySecureSession3: PackageModel = {
  names: ['fastify-secure-session'],
  wrapped: true,
  adds: () => {
    const cookie = fastifyCookie5.adds as PkgScope;
    return {
      decorators: [...dec('request', 'session'), ...dec('instance', 'decodeSecureSession', 'createSecureSession', 'encodeSecureSession'), ...(cookie.decorators ?? [])],
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
