import { dec, isUnknown, optSet, when, type PackageModel, type PkgHook } from './types';

/**
 * @fastify/cookie (index.js): fastify-plugin. Signing decorators only with a `secret`; the parsing
 * hook is `hook` (default 'onRequest', none when false), the onSend writer always.
 */
export const fastifyCookie: PackageModel = {
  names: ['@fastify/cookie', 'fastify-cookie'],
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
