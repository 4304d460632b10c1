import { dec, hooks, isUnknown, optSet, when, type PackageModel, type PkgHook } from './types';

/**
 * @fastify/cookie (index.js): fastify-plugin. Signing decorators only with a `secret`; the parsing
 * hook is `hook` (default 'onRequest', none when false), the onSend writer always.
 */
export const fastifyCookie: PackageModel = {
  names: ['@fastify/cookie'],
  wrapped: true,
  adds: (o) => {
    const secret = optSet(o, 'secret');
    const hook = o.get('hook');
    const parse: PkgHook[] =
      hook === false ? [] : typeof hook === 'string' ? [{ name: hook }] : hook === undefined ? [{ name: 'onRequest' }] : [];
    return {
      decorators: [
        ...dec('instance', 'serializeCookie', 'parseCookie'),
        ...when(secret, [...dec('instance', 'signCookie', 'unsignCookie'), ...dec('request', 'signCookie', 'unsignCookie'), ...dec('reply', 'signCookie', 'unsignCookie')]),
        ...dec('request', 'cookies'),
        ...dec('reply', 'cookie', 'setCookie', 'clearCookie'),
      ],
      hooks: [...parse, { name: 'onSend' }],
      notes: isUnknown(hook) ? ['the cookie parsing hook (option hook) is not known statically'] : [],
    };
  },
};

/**
 * fastify-cookie 5 (Fastify 3; 5.7.0 re-exports 5.6.1, plugin.js): `unsignCookie` on the instance,
 * request and reply whatever the options (no `signCookie`, no `serializeCookie`), the parsing hook
 * always onRequest (no `hook` option), no onSend hook.
 */
export const fastifyCookie5: PackageModel = {
  names: ['fastify-cookie'],
  wrapped: true,
  adds: {
    decorators: [
      ...dec('instance', 'parseCookie', 'unsignCookie'),
      ...dec('request', 'cookies', 'unsignCookie'),
      ...dec('reply', 'setCookie', 'cookie', 'clearCookie', 'unsignCookie'),
    ],
    hooks: hooks('onRequest'),
  },
};
